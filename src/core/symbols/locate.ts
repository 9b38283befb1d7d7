import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisWarning, Module, SymbolStatus } from '../../shared/model';
import type { CoreInfo, CoreModule } from '../elf/core-file';
import { inspectElfFile, type ElfFileFacts } from '../elf/elf-file';

export const DEFAULT_DEBUG_DIR = '/usr/lib/debug';

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debug directories to search, the user's first, the system's last, each once. */
export function debugSearchPath(debugDirs: string[]): string[] {
  return [...new Set([...debugDirs, DEFAULT_DEBUG_DIR])];
}

/** DIR/.build-id/ab/cdef….debug, the layout gdb, lldb and debuginfod agree on. */
export async function findDebugFile(buildId: string, debugDirs: string[]): Promise<string | null> {
  if (buildId.length < 4) return null;
  for (const dir of debugSearchPath(debugDirs)) {
    const candidate = join(dir, '.build-id', buildId.slice(0, 2), `${buildId.slice(2)}.debug`);
    if (await readable(candidate)) return candidate;
  }
  return null;
}

async function inspectOrNull(path: string): Promise<ElfFileFacts | null> {
  try {
    return await inspectElfFile(path);
  } catch {
    return null;
  }
}

export interface ProgramFiles {
  executable: string | null;
  executableBuildId: string | null;
  modules: Module[];
  warnings: AnalysisWarning[];
}

function symbolStatus(host: ElfFileFacts | null, debug: ElfFileFacts | null): SymbolStatus {
  if (!host && !debug) return 'missing';
  if (host?.hasDebugInfo || debug?.hasDebugInfo) return 'debug-info';
  return host?.hasSymbols ? 'symbols' : 'none';
}

async function describeModule(
  m: CoreModule,
  hostPath: string | null,
  debugDirs: string[],
): Promise<{ module: Module; host: ElfFileFacts | null }> {
  const host = hostPath ? await inspectOrNull(hostPath) : null;
  const buildId = m.buildId ?? host?.buildId ?? null;
  const debugFile = buildId ? await findDebugFile(buildId, debugDirs) : null;
  const debug = debugFile ? await inspectOrNull(debugFile) : null;
  return {
    host,
    module: {
      path: m.path,
      hostPath: host ? hostPath : null,
      buildId,
      debugFile,
      symbols: symbolStatus(host, debug),
      start: `0x${m.start.toString(16)}`,
      end: `0x${m.end.toString(16)}`,
    },
  };
}

/**
 * Finds the executable and libraries a core needs on this machine and checks that they are
 * the very builds that crashed (by build-id), so a rebuilt binary cannot silently mislead.
 */
export async function locateProgramFiles(core: CoreInfo, options: { executable?: string; debugDirs: string[] }): Promise<ProgramFiles> {
  const warnings: AnalysisWarning[] = [];
  const modules: Module[] = [];
  const elfModules = core.modules.filter((m) => m.buildId !== null || m.path === core.executablePath);
  let executable: string | null = null;
  let executableBuildId: string | null = null;

  for (const m of elfModules) {
    const isExe = m.path === core.executablePath;
    const hostPath = isExe && options.executable ? options.executable : m.path;
    const { module, host } = await describeModule(m, (await readable(hostPath)) ? hostPath : null, options.debugDirs);
    modules.push(module);
    if (m.buildId && host?.buildId && host.buildId !== m.buildId) {
      warnings.push({
        kind: 'build-id-mismatch',
        message: `${hostPath} is not the build that crashed: its build-id is ${host.buildId}, the core expects ${m.buildId}. Stacks may be wrong; give the right binary with --exe${isExe ? '' : ' or a sysroot'}.`,
      });
    }
    if (!isExe) continue;
    executableBuildId = m.buildId ?? host?.buildId ?? null;
    if (module.hostPath) executable = module.hostPath;
    else {
      warnings.push({
        kind: 'executable-missing',
        message: `the executable ${hostPath} is not on this machine; frames in it will have no names. Give it with --exe FILE.`,
      });
    }
    if (module.symbols !== 'debug-info') {
      warnings.push({
        kind: 'no-debug-info',
        message: `no debug info for ${hostPath}${executableBuildId ? ` (build-id ${executableBuildId})` : ''}: no file and line numbers. Add the directory holding .build-id/… with --debug-dir DIR.`,
      });
    }
  }
  if (options.executable && !core.executablePath) executable = options.executable;
  return { executable, executableBuildId, modules, warnings };
}
