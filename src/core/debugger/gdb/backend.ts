import type { DebuggerBackend } from '../backend';
import { prepareGdb } from './extract';
import { GdbLiveSession } from './live';

export const gdbBackend: DebuggerBackend = {
  kind: 'gdb',
  readsMinidumps: false,
  prepare: prepareGdb,
  startConsole: (input, events) => GdbLiveSession.start(input, events),
};
