/** What one analysis found, put together: warnings, the threads shown, and the crash as stored. */

import type { AnalysisWarning, CrashAnalysis, DebuggerKind, Thread } from '../../shared/model';
import { markGuessed, orderThreads } from '../debugger/extraction';
import type { CoreInfo } from '../elf/core-file';
import type { MinidumpStacks } from '../minidump/minidump-analysis';
import { inMemory, type ProgramFiles } from '../symbols/locate';

/** What the core itself says is wrong with it: cut short, or a minidump's damaged parts. */
export function coreWarnings(core: CoreInfo): AnalysisWarning[] {
  const warnings: AnalysisWarning[] = [];
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
  return warnings;
}

/** A walk that could not be made: the debugger's stacks are shown, and the warning says why. */
export function noWalk(error: unknown): MinidumpStacks {
  return {
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
  };
}

/**
 * An ELF core's threads with the frames the debugger guessed marked: those unwound through a
 * module whose file is missing. An address in no module at all (a call through a bad pointer) is
 * unwound from the return address the call left at the stack pointer, which is sure.
 */
export function withGuessesMarked(threads: Thread[], files: ProgramFiles): Thread[] {
  const found = new Set([
    ...files.modules.filter((m) => m.hostPath || inMemory(m)).map((m) => m.path),
    ...files.libraries.map((l) => l.path),
  ]);
  return threads.map((t) => ({ ...t, frames: markGuessed(t.frames, (module) => module === null || found.has(module)) }));
}

export interface Findings {
  path: string;
  size: number;
  mtime: Date;
  kind: DebuggerKind;
  core: CoreInfo;
  files: ProgramFiles;
  threads: Thread[];
  loaded: { debugDirs: string[]; solibDirs: string[]; sysroot: string | null; symbolServers: string[]; symbolFiles: string[] };
  modules: CrashAnalysis['modules'];
  warnings: AnalysisWarning[];
  analysisError: string | null;
}

/** The analysis as stored and shown. */
export function analysisOf(f: Findings): CrashAnalysis {
  const { core, files } = f;
  const attachments = [
    ...(core.annotations?.length ? [{ name: 'annotations', text: core.annotations.join('\n') }] : []),
    ...(core.dumpFiles ?? []),
  ];
  return {
    source: f.path,
    size: f.size,
    analyzedAt: new Date().toISOString(),
    timestamp: core.dumpTime ?? f.mtime.toISOString(),
    debugger: f.kind,
    signal: core.signal,
    ...(core.system ? { system: core.system } : {}),
    pid: core.pid,
    commandLine: core.argv?.join(' ') ?? core.commandLine,
    ...(core.environment.length ? { environment: core.environment } : {}),
    executable: core.executablePath ?? files.executable,
    loaded: {
      executable: files.executable,
      debugDirs: f.loaded.debugDirs,
      solibDirs: f.loaded.solibDirs,
      sysroot: f.loaded.sysroot,
      symbolServers: f.loaded.symbolServers,
      libraries: files.libraries,
      ...(f.loaded.symbolFiles.length ? { symbolFiles: f.loaded.symbolFiles } : {}),
    },
    executableBuildId: files.executableBuildId,
    crashingThreadId: core.crashingThreadId,
    ...(core.uptimeSeconds !== undefined ? { uptimeSeconds: core.uptimeSeconds } : {}),
    // The thread that wrote a Breakpad dump is the handler's, not the program's: left out, as Breakpad's reader does.
    threads: orderThreads(
      f.threads
        .filter((t) => t.id !== core.dumpThreadId)
        .map((t) => (t.name === null && core.threadNames?.[t.id] ? { ...t, name: core.threadNames[t.id] ?? null } : t)),
    ),
    modules: f.modules,
    warnings: f.warnings,
    analysisError: f.analysisError,
    ...(attachments.length ? { attachments } : {}),
  };
}
