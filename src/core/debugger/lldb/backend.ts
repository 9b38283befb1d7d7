import type { DebuggerBackend } from '../backend';
import { extractWithLldb } from './extract';
import { LldbLiveSession } from './live';

export const lldbBackend: DebuggerBackend = {
  kind: 'lldb',
  readsMinidumps: true,
  // lldb runs in one batch process per core: there is nothing to start ahead.
  prepare: () => ({ extract: extractWithLldb, dispose: () => undefined, isAlive: () => true }),
  startConsole: (input, events, fileOf) => LldbLiveSession.start(input, events, fileOf),
};
