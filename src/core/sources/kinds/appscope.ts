import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isScopeCrashDir, isScopeDescription, isScopeMarker, readScopeCrash, SCOPE_PART } from '../appscope';
import { withoutCore, type CrashSource } from '../crash-input';
import { parseScopeBacktrace, threadFromFrames } from '../text-stack';

/** An AppView/AppScope crash folder: info_, cfg_, backtrace_, snapshot_ and maybe core_ files. */
export const appScopeSource: CrashSource = {
  opens: 'appscope',
  name: 'AppScope crash directory',
  detectDirectory: async (path) => ((await isScopeCrashDir(path)) ? { kind: 'appscope' } : null),
  folderParts: { marks: isScopeMarker, isPart: (name) => SCOPE_PART.test(name) },
  recognizeName(name) {
    const part = SCOPE_PART.exec(name);
    return part ? { kind: 'AppView crash folder', metadata: { part: part[1] ?? '' } } : null;
  },
  async open(path, shape) {
    const scope = await readScopeCrash(path);
    const base = {
      shape,
      origin: 'AppScope crash directory',
      attributes: scope.attributes,
      attachments: scope.attachments,
      timestamp: scope.timestamp,
    };
    if (scope.core) return { ...base, core: scope.core, coreSha256: null, stored: false, partial: null, snapshot: null };
    return withoutCore(base, {
      signal: scope.signal,
      faultAddress: scope.faultAddress,
      pid: scope.pid,
      executable: scope.processName,
      commandLine: scope.commandLine,
      threads: [threadFromFrames(parseScopeBacktrace(scope.backtrace ?? ''), scope.pid ?? 0)],
      recordedBy: 'AppScope',
    });
  },
  // Regular files only, as readScopeCrash reads them: a FIFO or a link among the parts is skipped there too.
  identity: async (path) =>
    (await readdir(path, { withFileTypes: true })).filter((e) => e.isFile() && isScopeDescription(e.name)).map((e) => join(path, e.name)),
};
