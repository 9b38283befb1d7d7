import { PRINTED, RUNTIME_WORDS } from '../../../shared/frame-label';
import type { Thread } from '../../../shared/model';
import { withoutCore, type CrashSource } from '../crash-input';
import { readHead } from '../read-head';
import { parseRuntimeOutput, spokenMessage, type RuntimeOutput } from '../runtime-text';

/** A goroutine dump with GOTRACEBACK=all runs to megabytes; a log past this is cut where it is read. */
export const MAX_RUNTIME_OUTPUT_BYTES = 32 * 1024 * 1024;

const STARTS = ['panic: ', 'fatal error: ', 'Fatal Python error: ', 'Uncaught '];

/** A text whose first lines hold a runtime's last words: a Go panic, faulthandler's report, Node's uncaught exception. */
export function isRuntimeOutputHead(head: Buffer): boolean {
  if (head.includes(0)) return false;
  return head
    .toString('utf8')
    .split('\n')
    .some((line) => STARTS.some((s) => line.startsWith(s)));
}

/** What ended a process that died of no signal: "panic", "fatal error", the error's class. */
function reasonName(output: RuntimeOutput): string {
  if (output.runtime === 'node') return /^Uncaught ([A-Za-z_$][\w$]*)/.exec(output.message)?.[1] ?? 'uncaught exception';
  return output.message.slice(0, Math.max(0, output.message.indexOf(':'))) || output.message;
}

/** Each stack as a thread, the one that died first and crashed. */
export function runtimeThreads(output: RuntimeOutput): Thread[] {
  const ordered = [...output.stacks.filter((s) => s.current), ...output.stacks.filter((s) => !s.current)];
  return ordered.map((s, i) => {
    const { goroutine } = s;
    return {
      // Printed stacks ran on threads the text does not name by LWP: none is taken for one.
      id: goroutine !== undefined ? -goroutine : -(i + 1),
      number: goroutine ?? i + 1,
      name: s.name,
      ...(goroutine !== undefined ? { goroutine } : {}),
      crashed: i === 0,
      frames: s.frames,
      framesTruncated: false,
      registers: {},
      locals: {},
    };
  });
}

/**
 * What a Go program, CPython's faulthandler or Node.js printed as it died, saved from its stderr
 * or its service's log, on its own: the stacks it printed stand for the crash.
 */
export const runtimeOutputSource: CrashSource = {
  opens: 'runtime-output',
  name: 'runtime crash output',
  detectFile: (head) => (isRuntimeOutputHead(head) ? { kind: 'runtime-output' } : null),
  async open(path, shape) {
    const output = parseRuntimeOutput(await readHead(path, MAX_RUNTIME_OUTPUT_BYTES));
    if (!output)
      throw new Error(
        `${path} starts like a runtime's last words but holds no stack: a Go panic needs its "goroutine N [running]:" lines, faulthandler's report its "Current thread" lines, Node.js's its FROM lines`,
      );
    const runtime = RUNTIME_WORDS[output.runtime];
    return withoutCore(
      { shape, origin: `${runtime} output`, attributes: { runtime: output.runtime }, attachments: [], timestamp: null },
      {
        signal: output.signal,
        faultAddress: output.faultAddress,
        pid: null,
        executable: null,
        commandLine: '',
        threads: runtimeThreads(output),
        recordedBy: runtime,
        runtime: { runtime: output.runtime, reader: PRINTED, message: spokenMessage(output), missing: null },
        ...(output.signal === null ? { reason: { name: reasonName(output), explanation: output.message } } : {}),
      },
    );
  },
  identity: async (path) => [path],
};
