import type { DebuggerBackend } from '../backend';
import { prepareGdb } from './extract';
import { GDB_REFUSED } from './refused-commands';

export const gdbBackend: DebuggerBackend = {
  kind: 'gdb',
  readsMinidumps: false,
  refused: GDB_REFUSED,
  prepare: prepareGdb,
  // The console (and node-pty under it) is loaded when one is opened: a batch analysis never needs it.
  startConsole: async (input, events) => (await import('./live')).GdbLiveSession.start(input, events),
};
