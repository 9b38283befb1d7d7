import type { DebuggerBackend } from '../backend';
import { LLDB_REFUSED } from './refused-commands';

export const lldbBackend: DebuggerBackend = {
  kind: 'lldb',
  readsMinidumps: true,
  refused: LLDB_REFUSED,
  // lldb runs in one batch process per core: there is nothing to start ahead. Its modules are
  // loaded when it is used, so that a gdb analysis does not pay for them.
  prepare: (options) => ({
    extract: async (input) => (await import('./extract')).extractWithLldb(input, options.plainDebugDir),
    dispose: () => undefined,
    isAlive: () => true,
    gone: () => Promise.resolve(),
  }),
  startConsole: async (input, events, fileOf) => (await import('./live')).LldbLiveSession.start(input, events, fileOf),
};
