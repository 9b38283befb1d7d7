/**
 * Intake, after step 3: what the runtime printed as the process died, where it came beside the
 * core (a log in a core-dump-handler zip, a service's journal the capture agent kept), adds what
 * the core lacks: the line each JavaScript frame was running (llnode knows only where functions
 * are defined), the panic or the Python stack where their reader could not run.
 */

import { PRINTED } from '../../shared/frame-label';
import type { CrashAnalysis, Frame, Thread } from '../../shared/model';
import { crashingThread } from '../../shared/crashing-thread';
import { runtimeThreads } from '../sources/kinds/runtime-output';
import { parseRuntimeOutput, spokenMessage, type RuntimeOutput } from '../sources/runtime-text';
import { withPythonFrames } from '../runtimes/python/python-reader';
import { withFrames } from '../runtimes/runtime-reader';

/** The name a frame is printed with, as llnode names it: `Timeout.foo [as _onTimeout]` is `foo`. */
function simpleName(name: string | null): string {
  const plain = (name ?? '').split(' [as ')[0] ?? '';
  return plain.slice(plain.lastIndexOf('.') + 1);
}

/** The same function in both stacks: by name and script. An unnamed function is known by neither, so it never matches. */
const sameFunction = (a: Frame, b: Frame): boolean => {
  const name = simpleName(a.function);
  return name !== '' && name !== '<anonymous>' && a.file === b.file && name === simpleName(b.function);
};

/**
 * The crashing thread's JavaScript frames given the lines they were running, from Node's own
 * stack: matched in order by function and script, so a frame Node printed and llnode missed (or
 * the reverse) leaves the others in place.
 */
function withCurrentLines(thread: Thread, printed: Frame[]): Thread {
  let next = 0;
  const frames = thread.frames.map((f) => {
    if (f.language !== 'javascript' || f.position !== 'definition') return f;
    const at = printed.findIndex((p, i) => i >= next && sameFunction(p, f));
    if (at < 0) return f;
    next = at + 1;
    const line = printed[at] as Frame;
    const running: Frame = { ...f, line: line.line };
    delete running.position;
    delete running.column;
    return line.column !== undefined ? { ...running, column: line.column } : running;
  });
  return { ...thread, frames };
}

/** Whether the crashing thread holds one of the frames Node printed: then they are the same stack. */
const sharesAFrame = (thread: Thread, printed: Frame[]): boolean =>
  thread.frames.some((f) => f.language === 'javascript' && printed.some((p) => sameFunction(p, f)));

function apply(crash: CrashAnalysis, output: RuntimeOutput, from: string): CrashAnalysis {
  const reading = crash.runtime;
  const dying = crashingThread(crash);
  const message = reading?.message ?? spokenMessage(output);
  const current = output.stacks.find((s) => s.current) ?? output.stacks[0];
  const note = {
    kind: 'debugger' as const,
    message: `the ${output.runtime === 'node' ? 'JavaScript' : output.runtime === 'go' ? 'goroutines' : 'Python'} stack comes from what the runtime printed (${from})`,
  };
  if (output.runtime === 'node' && dying && current) {
    const runtime = { runtime: 'node' as const, reader: reading?.reader ?? null, message, missing: reading?.missing ?? null };
    if (sharesAFrame(dying, current.frames))
      return { ...crash, threads: crash.threads.map((t) => (t === dying ? withCurrentLines(t, current.frames) : t)), runtime };
    // The error was thrown elsewhere and the process aborted later (a handler of uncaughtException
    // that writes a report and calls process.abort()): the error's own stack is what it is about.
    const thrown: Thread = {
      id: 0,
      number: 0,
      name: `the thrown error's stack (${from})`,
      crashed: true,
      frames: current.frames.map((f, index) => ({ ...f, index })),
      framesTruncated: false,
      registers: {},
      locals: {},
    };
    return {
      ...crash,
      threads: [thrown, ...crash.threads.map((t) => (t.crashed ? { ...t, crashed: false } : t))],
      crashingThreadId: thrown.id,
      runtime,
    };
  }
  const unread = reading === undefined || reading.reader === null || reading.missing !== null;
  if (output.runtime === 'go' && unread) {
    const threads = runtimeThreads(output);
    return {
      ...crash,
      threads,
      crashingThreadId: threads[0]?.id ?? crash.crashingThreadId,
      runtime: { runtime: 'go', reader: PRINTED, message, missing: null },
      warnings: [...crash.warnings, note],
    };
  }
  if (output.runtime === 'python' && unread && dying && current) {
    return {
      ...crash,
      threads: crash.threads.map((t) =>
        t === dying
          ? withFrames(
              t,
              withPythonFrames(
                t.frames,
                current.frames.map((f) => ({ function: f.function ?? '<unknown>', file: f.file ?? '', line: f.line })),
              ),
            )
          : t,
      ),
      runtime: { runtime: 'python', reader: PRINTED, message, missing: null },
      warnings: [...crash.warnings, note],
    };
  }
  return { ...crash, runtime: reading ? { ...reading, message } : { runtime: output.runtime, reader: null, message, missing: null } };
}

/**
 * The crash with what the first of its attachments holding a runtime's last words adds; the crash
 * as it was where none does. Laid over the same crash again, it changes nothing more.
 */
export function withRuntimeOutput<T extends CrashAnalysis>(crash: T): T {
  for (const attachment of crash.attachments ?? []) {
    const output = parseRuntimeOutput(attachment.text);
    if (!output) continue;
    if (crash.runtime && crash.runtime.runtime !== output.runtime) continue;
    return apply(crash, output, attachment.name) as T;
  }
  return crash;
}
