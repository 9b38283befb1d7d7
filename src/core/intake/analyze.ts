/** Intake, step 3: one core is read (notes off the event loop), its program found, its threads extracted. */

import { access, constants, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CrashAnalysis, DebuggerKind, OpenStage, Thread } from '../../shared/model';
import { backendFor, DebuggerError } from '../debugger';
import type { DebuggerOptions, PreparedDebugger } from '../debugger/extraction';
import { moduleAt, readCore, type CoreInfo } from '../elf/core-file';
import { registerNames } from '../elf/machines';
import { locateProgramFiles, type ProgramFiles } from '../symbols/locate';
import { linkModules, linksNeeded, type ModuleLinks } from '../symbols/module-links';
import { preparePlainCopies } from '../symbols/plain-debug';
import type { SymbolServer } from '../symbols/debuginfod-client';
import type { SymbolCache } from '../symbols/symbol-cache';
import { isMinidump, readMinidump } from '../minidump/minidump-file';
import type { MinidumpStacks } from '../minidump/minidump-analysis';
import { mark } from '../platform/timeline';
import type { DebuggerPool } from '../debugger/debugger-pool';
import { debuggerForCore, threadsFromNotes } from './analysis-debugger';
import { analysisOf, coreWarnings, noWalk, withGuessesMarked } from './analysis-result';
import { readRuntime, withRuntime } from './runtime-analysis';

export interface AnalyzeOptions {
  executable?: string;
  debugDirs?: string[];
  solibDirs?: string[];
  /** More solib folders once the core has named its executable (the settings' per-executable ones). */
  solibDirsFor?: (executable: string | null) => string[];
  sysroot?: string;
  /** Asked by build-id for what is not on this machine (DEBUGINFOD_URLS' servers are the caller's to add). */
  symbolServers?: SymbolServer[];
  /** Where fetched files are kept; without one, no server is asked. */
  symbolCache?: SymbolCache | null;
  debugger?: DebuggerKind;
  timeoutMs?: number;
  onStage?: (stage: OpenStage, message: string, fraction?: number) => void;
  /**
   * A debugger its caller started before loading the engine (`crashwb analyze`), used when it is
   * the one this core needs and disposed otherwise.
   */
  prepared?: { kind: DebuggerKind; debugger: PreparedDebugger };
  /**
   * Read the core on this thread rather than the worker's: for a one-shot command, whose thread
   * has nothing else to do and which would only wait for the worker to start.
   */
  inThisThread?: boolean;
  /** Debuggers kept for core after core: one is taken from here rather than started. */
  pool?: DebuggerPool | null;
}

async function checkReadable(path: string, what: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new Error(`${what} ${path} does not exist or cannot be read`);
  }
}

/** Where the program's files and debug info are looked for, resolved, and the servers asked. */
interface Search {
  debugDirs: string[];
  solibDirs: string[];
  sysroot: string | null;
  servers: SymbolServer[];
}

async function searchOf(options: AnalyzeOptions): Promise<Search> {
  const debugDirs = (options.debugDirs ?? []).map((d) => resolve(d));
  const solibDirs = (options.solibDirs ?? []).map((d) => resolve(d));
  const sysroot = options.sysroot ? resolve(options.sysroot) : null;
  for (const dir of [...solibDirs, ...(sysroot ? [sysroot] : [])])
    await checkReadable(dir, sysroot === dir ? 'sysroot (--sysroot)' : 'solib folder (--solib-dir)');
  return { debugDirs, solibDirs, sysroot, servers: options.symbolCache ? (options.symbolServers ?? []) : [] };
}

type Offload = typeof import('../offload/offload');

/** The core's notes, and then its program's files found; `kind` and `debugger` may change to read another architecture. */
async function readAndLocate(
  path: string,
  minidump: boolean,
  offload: Offload | null,
  ready: { kind: DebuggerKind; debugger: PreparedDebugger },
  search: Search,
  debuggerOptions: DebuggerOptions,
  options: AnalyzeOptions,
): Promise<{ core: CoreInfo; files: ProgramFiles; links: ModuleLinks | null; ready: typeof ready; warnings: CrashAnalysis['warnings'] }> {
  const say = options.onStage ?? (() => undefined);
  say('reading-core', 'Reading the core’s notes');
  mark('reading the core');
  let core: CoreInfo;
  if (offload) core = minidump ? await offload.readMinidumpOffThread(path) : await offload.readCoreOffThread(path);
  else core = minidump ? await readMinidump(path) : await readCore(path);
  mark('read the core');
  // The debugger started ahead reads this machine's cores; one of another architecture may need another.
  const chosen = minidump ? { ...ready, warnings: [] } : await debuggerForCore(ready, core.machine, debuggerOptions, options.pool);
  say('locating-files', 'Finding the executable and debug info');
  const { debugDirs, solibDirs, sysroot } = search;
  for (const dir of options.solibDirsFor?.(core.executablePath) ?? []) if (!solibDirs.includes(dir)) solibDirs.push(dir);
  const files = await locateProgramFiles(core, {
    executable: options.executable && resolve(options.executable),
    debugDirs: options.symbolCache ? [...debugDirs, options.symbolCache.dir] : debugDirs,
    solibDirs,
    sysroot,
    servers: search.servers,
    cache: options.symbolCache ?? null,
    onProgress: (message, fraction) => say('locating-files', message, fraction),
  });
  const links = (await linksNeeded(files.libraries, files.modules, { sysroot, solibDirs, debugDirs }))
    ? linkModules(files.libraries, files.modules)
    : null;
  mark('located the program files');
  return { core, files, links, ready: { kind: chosen.kind, debugger: chosen.debugger }, warnings: chosen.warnings };
}

/** The debugger's threads, or what the notes say of them when it fails. */
function extractThreads(
  debuggerReady: PreparedDebugger,
  path: string,
  core: CoreInfo,
  files: ProgramFiles,
  links: ModuleLinks | null,
  search: Search,
  timeoutMs: number | undefined,
): Promise<{ threads: Thread[]; warnings: CrashAnalysis['warnings']; error: string | null }> {
  return debuggerReady
    .extract({
      core: path,
      executable: files.executable,
      debugDirs: [...(links ? [links.debugDir] : []), ...search.debugDirs],
      sysroot: links?.sysroot ?? null,
      solibDirs: search.solibDirs,
      crashingThreadId: core.crashingThreadId,
      crashingThreadNumber: core.threads.findIndex((t) => t.tid === core.crashingThreadId) + 1 || 1,
      moduleAt: (address) => moduleAt(core, address),
      registerNames: registerNames(core.machine),
      threadCount: core.threads.length,
      noteRegisters: new Map(core.threads.map((t) => [t.tid, t.registers])),
      timeoutMs,
    })
    .then(
      (result) => ({ threads: result.threads, warnings: result.warnings, error: null }),
      (error: unknown) => {
        if (error instanceof DebuggerError) return { threads: threadsFromNotes(core), warnings: [], error: error.message };
        throw error;
      },
    );
}

/** The whole path of one core: notes, program files, debugger. Touches no database. */
export async function analyzeCore(corePath: string, options: AnalyzeOptions = {}): Promise<CrashAnalysis> {
  const path = resolve(corePath);
  const say = options.onStage ?? (() => undefined);
  await checkReadable(path, 'core file');
  if (options.executable) await checkReadable(options.executable, 'executable (--exe)');
  const info = await stat(path);

  // A debugger that reads no minidumps (gdb) hands them to one that does.
  const minidump = await isMinidump(path);
  const backend = backendFor(options.debugger ?? 'gdb', minidump);
  const search = await searchOf(options);
  const early = options.prepared?.kind === backend.kind ? options.prepared.debugger : null;
  if (!early) options.prepared?.debugger.dispose();
  const debuggerOptions: DebuggerOptions = {
    debugDirs: search.debugDirs,
    timeoutMs: options.timeoutMs,
    indexCacheDir: options.symbolCache?.gdbIndexDir,
    plainDebugDir: options.symbolCache?.plainDebugDir,
  };
  const started = early ?? (options.pool ? options.pool.take(backend.kind, debuggerOptions) : backend.prepare(debuggerOptions));
  // The worker and a minidump's own walk are loaded where they are used: a one-shot analysis of
  // an ELF core reads it on its own thread and needs neither (~10 ms of its start).
  const offload = minidump || !options.inThisThread ? await import('../offload/offload') : null;
  const dumps = minidump ? await import('../minidump/minidump-analysis') : null;
  let read: Awaited<ReturnType<typeof readAndLocate>>;
  try {
    read = await readAndLocate(path, minidump, offload, { kind: backend.kind, debugger: started }, search, debuggerOptions, options);
  } catch (error) {
    started.dispose();
    throw error;
  }
  const { core, files, links } = read;
  const { kind, debugger: debuggerReady } = read.ready;

  say('debugging', `Extracting threads with ${kind}`);
  // The workbench walks a minidump's stacks itself while the debugger works: another platform's dump is beyond lldb's unwinding.
  const walk: Promise<MinidumpStacks | null> =
    offload && minidump
      ? offload
          .walkMinidumpOffThread(
            path,
            {
              modules: core.modules,
              debugDirs: search.debugDirs,
              servers: search.servers,
              cache: options.symbolCache ? { dir: options.symbolCache.dir, limitBytes: options.symbolCache.limitBytes } : null,
              hostPaths: files.modules.filter((m) => m.hostPath).map((m) => [m.path, m.hostPath as string]),
            },
            (fraction, message) => {
              if (message) say('locating-files', message, fraction);
            },
          )
          .catch(noWalk)
      : Promise.resolve(null);
  const extraction = extractThreads(debuggerReady, path, core, files, links, search, options.timeoutMs);
  // A language runtime's reader works beside the debugger, on the same files.
  const runtime = minidump ? Promise.resolve(null) : readRuntime(path, core, files, links, search, options);
  // The links folder goes while the result is put together: nothing waits for its removal.
  const copies = options.symbolCache ? preparePlainCopies(files.compressedDebugFiles, options.symbolCache) : null;
  const [result, stacks, lay] = await Promise.all([extraction, walk, runtime]).finally(() => void links?.dispose());
  for (const [buildId, fate] of (await copies) ?? [])
    mark(`inflated debug copy of ${buildId}: ${typeof fate === 'string' ? fate : fate.error}`);
  const warnings = [...read.warnings, ...files.warnings, ...coreWarnings(core), ...result.warnings, ...(stacks?.warnings ?? [])];
  const analysis = analysisOf({
    path,
    size: info.size,
    mtime: info.mtime,
    kind,
    core,
    files,
    threads: stacks && dumps ? dumps.chooseStacks(result.threads, stacks, core.modules).threads : withGuessesMarked(result.threads, files),
    loaded: {
      debugDirs: search.debugDirs,
      solibDirs: search.solibDirs,
      sysroot: search.sysroot,
      symbolServers: search.servers.map((s) => s.url),
      symbolFiles: stacks ? [...stacks.symbolFiles.values()].map((s) => s.path) : [],
    },
    modules: stacks && dumps ? dumps.withSymbolFiles(files.modules, stacks.symbolFiles) : files.modules,
    warnings: stacks && dumps ? dumps.minidumpWarnings(warnings, core.modules, core.executablePath, stacks.symbolFiles) : warnings,
    analysisError: result.error,
  });
  return lay ? withRuntime(analysis, lay) : analysis;
}
