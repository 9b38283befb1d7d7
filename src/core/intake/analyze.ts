/** Intake, step 3: one core is read (notes off the event loop), its program found, its threads extracted. */

import { access, constants, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { AnalysisWarning, CrashAnalysis, DebuggerKind, Frame, OpenStage, Thread } from '../../shared/model';
import { backendFor, backendOf, DebuggerError } from '../debugger';
import { debuggerForMachine, type ArchitectureVerdict } from '../debugger/architectures';
import type { PreparedDebugger } from '../debugger/extraction';
import { markGuessed, orderThreads } from '../debugger/extraction';
import { moduleAt, readCore, type CoreInfo } from '../elf/core-file';
import { machineOf, registerNames } from '../elf/machines';
import { LOADING_STEP } from '../debugger/errors';
import { locateProgramFiles, type ProgramFiles } from '../symbols/locate';
import { linkModules, linksNeeded, type ModuleLinks } from '../symbols/module-links';
import { preparePlainCopies } from '../symbols/plain-debug';
import type { SymbolServer } from '../symbols/debuginfod-client';
import type { SymbolCache } from '../symbols/symbol-cache';
import { isMinidump, readMinidump } from '../minidump/minidump-file';
import type { MinidumpStacks } from '../minidump/minidump-analysis';
import { mark } from '../platform/timeline';
import type { DebuggerPool } from '../debugger/debugger-pool';

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

/** Threads as the core's own notes describe them: what remains when the debugger fails. */
/**
 * What the core's notes say of each thread when no debugger could: its registers, and the frame
 * its program counter is in, with the module that holds it.
 */
function threadsFromNotes(core: CoreInfo): Thread[] {
  const pc = machineOf(core.machine)?.programCounter;
  return core.threads.map((t, i) => {
    const at = pc ? t.registers[pc] : undefined;
    const module = at ? moduleAt(core, BigInt(at)) : null;
    const frame: Frame | null = at
      ? { index: 0, address: at, function: null, file: null, line: null, module, inline: false, trust: 'context' }
      : null;
    return {
      id: t.tid,
      number: i + 1,
      name: null,
      crashed: t.tid === core.crashingThreadId,
      frames: frame ? [frame] : [],
      framesTruncated: false,
      registers: t.registers,
      locals: {},
    };
  });
}

/** A debugger that reads nothing: the core is of an architecture no installed debugger reads. */
function refusing(kind: DebuggerKind, verdict: ArchitectureVerdict): PreparedDebugger {
  const reason = verdict.ok ? '' : verdict.reason;
  return {
    extract: () => Promise.reject(new DebuggerError(kind, LOADING_STEP, reason)),
    dispose: () => undefined,
    isAlive: () => false,
    gone: () => Promise.resolve(),
  };
}

async function checkReadable(path: string, what: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new Error(`${what} ${path} does not exist or cannot be read`);
  }
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
  let kind = backend.kind;
  const debugDirs = (options.debugDirs ?? []).map((d) => resolve(d));
  const solibDirs = (options.solibDirs ?? []).map((d) => resolve(d));
  const sysroot = options.sysroot ? resolve(options.sysroot) : null;
  for (const dir of [...solibDirs, ...(sysroot ? [sysroot] : [])])
    await checkReadable(dir, sysroot === dir ? 'sysroot (--sysroot)' : 'solib folder (--solib-dir)');
  const servers = options.symbolCache ? (options.symbolServers ?? []) : [];
  const early = options.prepared?.kind === kind ? options.prepared.debugger : null;
  if (!early) options.prepared?.debugger.dispose();
  const debuggerOptions = {
    debugDirs,
    timeoutMs: options.timeoutMs,
    indexCacheDir: options.symbolCache?.gdbIndexDir,
    plainDebugDir: options.symbolCache?.plainDebugDir,
  };
  let debuggerReady = early ?? (options.pool ? options.pool.take(kind, debuggerOptions) : backend.prepare(debuggerOptions));
  let core: CoreInfo;
  let files: ProgramFiles;
  const architectureWarnings: AnalysisWarning[] = [];
  let links: ModuleLinks | null;
  // The worker and a minidump's own walk are loaded where they are used: a one-shot analysis of
  // an ELF core reads it on its own thread and needs neither (~10 ms of its start).
  const offload = minidump || !options.inThisThread ? await import('../offload/offload') : null;
  const dumps = minidump ? await import('../minidump/minidump-analysis') : null;
  try {
    say('reading-core', 'Reading the core’s notes');
    mark('reading the core');
    if (offload) core = minidump ? await offload.readMinidumpOffThread(path) : await offload.readCoreOffThread(path);
    else core = minidump ? await readMinidump(path) : await readCore(path);
    mark('read the core');
    if (!minidump) {
      // The debugger started ahead reads this machine's cores; one of another architecture may need another.
      const verdict = await debuggerForMachine(kind, core.machine);
      const choice = verdict.ok ? verdict.choice : null;
      if (!choice || choice.kind !== kind || choice.program) {
        debuggerReady.dispose();
        const chosen = choice && { ...debuggerOptions, ...(choice.program ? { program: choice.program } : {}) };
        debuggerReady =
          !choice || !chosen
            ? refusing(kind, verdict)
            : options.pool
              ? options.pool.take(choice.kind, chosen)
              : backendOf(choice.kind).prepare(chosen);
        if (choice) kind = choice.kind;
        if (choice?.instead) architectureWarnings.push({ kind: 'debugger', message: choice.instead });
      }
    }
    say('locating-files', 'Finding the executable and debug info');
    for (const dir of options.solibDirsFor?.(core.executablePath) ?? []) if (!solibDirs.includes(dir)) solibDirs.push(dir);
    files = await locateProgramFiles(core, {
      executable: options.executable && resolve(options.executable),
      debugDirs: options.symbolCache ? [...debugDirs, options.symbolCache.dir] : debugDirs,
      solibDirs,
      sysroot,
      servers,
      cache: options.symbolCache ?? null,
      onProgress: (message, fraction) => say('locating-files', message, fraction),
    });
    links = (await linksNeeded(files.libraries, files.modules, { sysroot, solibDirs, debugDirs }))
      ? linkModules(files.libraries, files.modules)
      : null;
    mark('located the program files');
  } catch (error) {
    debuggerReady.dispose();
    throw error;
  }
  const warnings: AnalysisWarning[] = [...architectureWarnings, ...files.warnings];
  if (core.truncation) {
    warnings.push({
      kind: 'truncated-core',
      message: `the core is truncated: ${core.truncation.actual} of ${core.truncation.expected} bytes. Stacks whose memory is missing will be cut short; check the disk space and ulimit -c where it was written.`,
    });
  }

  if (core.damage?.length) {
    warnings.push({
      kind: 'truncated-core',
      message: `the minidump is damaged: ${core.damage.join('; ')}. What it still holds is shown; ask for the dump again from where it was written.`,
    });
  }

  say('debugging', `Extracting threads with ${kind}`);
  // The workbench walks a minidump's stacks itself while the debugger works: another platform's dump is beyond lldb's unwinding.
  const walk: Promise<MinidumpStacks | null> =
    offload && minidump
      ? offload
          .walkMinidumpOffThread(
            path,
            {
              modules: core.modules,
              debugDirs,
              servers,
              cache: options.symbolCache ? { dir: options.symbolCache.dir, limitBytes: options.symbolCache.limitBytes } : null,
              hostPaths: files.modules.filter((m) => m.hostPath).map((m) => [m.path, m.hostPath as string]),
            },
            (fraction, message) => {
              if (message) say('locating-files', message, fraction);
            },
          )
          .catch((error: unknown): MinidumpStacks => ({
            walked: new Map(),
            frameRegisters: new Map(),
            cut: new Set<number>(),
            symbolFiles: new Map(),
            warnings: [
              {
                kind: 'debugger',
                message: `the workbench could not walk this minidump's stacks itself (${(error as Error).message}); the debugger's stacks are shown`,
              },
            ],
          }))
      : Promise.resolve(null);
  const extraction = debuggerReady
    .extract({
      core: path,
      executable: files.executable,
      debugDirs: [...(links ? [links.debugDir] : []), ...debugDirs],
      sysroot: links?.sysroot ?? null,
      solibDirs,
      crashingThreadId: core.crashingThreadId,
      crashingThreadNumber: core.threads.findIndex((t) => t.tid === core.crashingThreadId) + 1 || 1,
      moduleAt: (address) => moduleAt(core, address),
      registerNames: registerNames(core.machine),
      threadCount: core.threads.length,
      noteRegisters: new Map(core.threads.map((t) => [t.tid, t.registers])),
      timeoutMs: options.timeoutMs,
    })
    .then(
      (result) => ({ threads: result.threads, warnings: result.warnings, error: null }),
      (error: unknown) => {
        if (error instanceof DebuggerError) return { threads: threadsFromNotes(core), warnings: [], error: error.message };
        throw error;
      },
    );
  // The links folder goes while the result is put together: nothing waits for its removal.
  const copies = options.symbolCache ? preparePlainCopies(files.compressedDebugFiles, options.symbolCache) : null;
  const [result, stacks] = await Promise.all([extraction.finally(() => void links?.dispose()), walk]);
  for (const [buildId, fate] of (await copies) ?? [])
    mark(`inflated debug copy of ${buildId}: ${typeof fate === 'string' ? fate : fate.error}`);
  warnings.push(...result.warnings, ...(stacks?.warnings ?? []));
  const said = stacks && dumps ? dumps.minidumpWarnings(warnings, core.modules, core.executablePath, stacks.symbolFiles) : warnings;
  const chosen = stacks && dumps ? dumps.chooseStacks(result.threads, stacks, core.modules) : null;
  const attachments = [
    ...(core.annotations?.length ? [{ name: 'annotations', text: core.annotations.join('\n') }] : []),
    ...(core.dumpFiles ?? []),
  ];
  const found = new Set([
    ...files.modules.filter((m) => m.hostPath || m.origin?.file?.kind === 'core-memory').map((m) => m.path),
    ...files.libraries.map((l) => l.path),
  ]);
  const threads = minidump
    ? (chosen?.threads ?? result.threads)
    : // An address in no module at all (a call through a bad pointer) is unwound from the return
      // address the call left at the stack pointer, which is sure; a module whose file is missing is not.
      result.threads.map((t) => ({ ...t, frames: markGuessed(t.frames, (module) => module === null || found.has(module)) }));
  return {
    source: path,
    size: info.size,
    analyzedAt: new Date().toISOString(),
    timestamp: core.dumpTime ?? info.mtime.toISOString(),
    debugger: kind,
    signal: core.signal,
    ...(core.system ? { system: core.system } : {}),
    pid: core.pid,
    commandLine: core.argv?.join(' ') ?? core.commandLine,
    ...(core.environment.length ? { environment: core.environment } : {}),
    executable: core.executablePath ?? files.executable,
    loaded: {
      executable: files.executable,
      debugDirs,
      solibDirs,
      sysroot,
      symbolServers: servers.map((s) => s.url),
      libraries: files.libraries,
      ...(stacks?.symbolFiles.size ? { symbolFiles: [...stacks.symbolFiles.values()].map((s) => s.path) } : {}),
    },
    executableBuildId: files.executableBuildId,
    crashingThreadId: core.crashingThreadId,
    ...(core.uptimeSeconds !== undefined ? { uptimeSeconds: core.uptimeSeconds } : {}),
    // The thread that wrote a Breakpad dump is the handler's, not the program's: left out, as Breakpad's reader does.
    threads: orderThreads(
      threads
        .filter((t) => t.id !== core.dumpThreadId)
        .map((t) => (t.name === null && core.threadNames?.[t.id] ? { ...t, name: core.threadNames[t.id] ?? null } : t)),
    ),
    modules: stacks && dumps ? dumps.withSymbolFiles(files.modules, stacks.symbolFiles) : files.modules,
    warnings: said,
    analysisError: result.error,
    ...(attachments.length ? { attachments } : {}),
  };
}
