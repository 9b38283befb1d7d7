/** Intake, beside step 3: the language runtime a core ran on, read by its own reader and laid over the debugger's threads. */

import type { CrashAnalysis, Thread } from '../../shared/model';
import { moduleAt, type CoreInfo } from '../elf/core-file';
import { mark } from '../platform/timeline';
import { detectRuntime, readerOf, type RuntimeView } from '../runtimes';
import type { ProgramFiles } from '../symbols/locate';
import type { ModuleLinks } from '../symbols/module-links';
import type { SymbolCache } from '../symbols/symbol-cache';

const RUNTIME_TIMEOUT_MS = 120_000;

/** What the runtime's reader found, as a function of the debugger's threads; null for a program on no runtime the workbench reads. */
export async function readRuntime(
  path: string,
  core: CoreInfo,
  files: ProgramFiles,
  links: ModuleLinks | null,
  search: { debugDirs: string[]; solibDirs: string[] },
  options: { timeoutMs?: number; symbolCache?: SymbolCache | null },
): Promise<((threads: Thread[]) => RuntimeView) | null> {
  const facts = detectRuntime(files);
  if (!facts) return null;
  mark(`reading the ${facts.runtime} runtime`);
  const lay = await readerOf(facts.runtime).read({
    facts,
    core: path,
    executable: files.executable,
    sysroot: links?.sysroot ?? null,
    solibDirs: search.solibDirs,
    debugDirs: [...(links ? [links.debugDir] : []), ...search.debugDirs, ...(options.symbolCache ? [options.symbolCache.dir] : [])],
    crashingThreadId: core.crashingThreadId,
    symbolCache: options.symbolCache ?? null,
    moduleAt: (address) => moduleAt(core, address),
    timeoutMs: options.timeoutMs ?? RUNTIME_TIMEOUT_MS,
  });
  mark(`read the ${facts.runtime} runtime`);
  return lay;
}

/** The analysis with the runtime's frames, crashing thread and message. */
export function withRuntime(analysis: CrashAnalysis, lay: (threads: Thread[]) => RuntimeView): CrashAnalysis {
  const view = lay(analysis.threads);
  return {
    ...analysis,
    threads: view.threads,
    crashingThreadId: view.crashingThreadId ?? analysis.crashingThreadId,
    runtime: view.reading,
    warnings: [...analysis.warnings, ...view.warnings],
  };
}
