/** Intake, step 3 for bundles without a core: what their recorder wrote stands for the analysis. */

import type { CrashAnalysis } from '../../shared/model';
import { describeSignal } from '../elf/signals';
import type { CrashInput, PartialCrash } from './open-bundle';

/** si_code unknown: the bundle gave the signal only, and 0 would read as "sent by kill()". */
const UNKNOWN_CODE = -1000;

/**
 * A crash from a bundle without a core: the stack its recorder wrote down, the signal and the
 * process it names. It groups like any other; the console and the live views need a core.
 */
export function partialAnalysis(source: string, size: number, mtime: Date, input: CrashInput, partial: PartialCrash): CrashAnalysis {
  const pid = partial.pid ?? 0;
  const frames = partial.threads[0]?.frames.length ?? 0;
  const note = `${input.origin ?? 'the bundle'} has no core: ${frames ? `the stack is the one ${partial.recordedBy} recorded` : 'it has no stack either'}, and there is nothing for a debugger to open`;
  return {
    source,
    size,
    analyzedAt: new Date().toISOString(),
    timestamp: input.timestamp ?? mtime.toISOString(),
    debugger: 'gdb',
    signal: partial.reason
      ? {
          number: 0,
          name: partial.reason.name,
          code: 0,
          codeName: null,
          faultAddress: null,
          senderPid: null,
          explanation: partial.reason.explanation,
        }
      : describeSignal({
          signo: partial.signal ?? 0,
          code: UNKNOWN_CODE,
          faultAddress: partial.faultAddress ? BigInt(partial.faultAddress) : null,
          senderPid: null,
          stackPointer: null,
          pid,
        }),
    pid,
    commandLine: partial.commandLine,
    ...(partial.environment?.length ? { environment: partial.environment } : {}),
    executable: partial.executable,
    executableBuildId: null,
    crashingThreadId: partial.threads[0]?.id ?? pid,
    threads: partial.threads,
    modules: [],
    warnings: [{ kind: 'debugger', message: note }],
    analysisError: note,
    loaded: { executable: null, debugDirs: [], core: null },
    ...(partial.runtime ? { runtime: partial.runtime } : {}),
  };
}
