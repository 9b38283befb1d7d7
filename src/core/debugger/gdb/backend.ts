import type { DebuggerBackend } from '../backend';
import { prepareGdb } from './extract';

export const gdbBackend: DebuggerBackend = {
  kind: 'gdb',
  readsMinidumps: false,
  prepare: prepareGdb,
  // The console (and node-pty under it) is loaded when one is opened: a batch analysis never needs it.
  startConsole: async (input, events) => (await import('./live')).GdbLiveSession.start(input, events),
};
