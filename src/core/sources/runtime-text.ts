/**
 * What language runtimes print when a program dies, read from a log or a captured stderr: a Go
 * panic's goroutines (`panic: …` then `goroutine N [running]:`), CPython's faulthandler
 * (`Fatal Python error: …` then `Current thread 0x… (most recent call first):`), and Node.js's
 * `--abort-on-uncaught-exception` (`Uncaught TypeError: …` then `FROM` and the current lines).
 * Line by line, each line read from its ends, so a hostile log costs its length only. Anything
 * else in the text (the program's own output before it died) is passed over.
 */

import type { Frame, RuntimeName } from '../../shared/model';
import { signalNumber } from '../../shared/signals';
import { isNodeReportHead, parseJsFrameLine, parseNodeReport } from './node-report';
import { isNumber, placeFromEnd } from './text-place';

export interface RuntimeStack {
  /** "goroutine 7 [running]", "Thread 0x00007f…". */
  name: string;
  /** The one that died: Go prints the panicking goroutine first, faulthandler marks the current thread. */
  current: boolean;
  /** A Go stack's goroutine id. */
  goroutine?: number;
  frames: Frame[];
}

export interface RuntimeOutput {
  runtime: RuntimeName;
  /** "panic: assignment to entry in nil map", "Fatal Python error: Segmentation fault", "Uncaught TypeError: bad input". */
  message: string;
  /** The signal it names, where it names one ("[signal SIGSEGV: …", "Segmentation fault"), by its Linux number. */
  signal: number | null;
  faultAddress: string | null;
  stacks: RuntimeStack[];
}

/** The message as a runtime reading holds it: Node's "Uncaught " is said where it is shown. */
export const spokenMessage = (output: RuntimeOutput): string =>
  output.runtime === 'node' ? output.message.replace(/^Uncaught /, '') : output.message;

const frame = (f: Omit<Frame, 'index' | 'inline' | 'module'> & { module?: string | null; inline?: boolean }): Frame => ({
  index: 0,
  inline: false,
  module: null,
  ...f,
});
const numbered = (frames: Frame[]): Frame[] => frames.map((f, index) => ({ ...f, index }));
const GO_MESSAGE = ['panic: ', 'fatal error: '];
/** `[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x48f2b6]` */
function goSignal(line: string): { signal: string; address: string | null } | null {
  if (!line.startsWith('[signal ')) return null;
  const colon = line.indexOf(':');
  const addr = line.indexOf(' addr=');
  const address = addr < 0 ? null : (line.slice(addr + 6).split(' ')[0] ?? null);
  return {
    signal: line.slice('[signal '.length, colon < 0 ? undefined : colon),
    address: address && /^0x[0-9a-f]+$/i.test(address) ? address : null,
  };
}

/**
 * `main.(*Store).put(...)` → `main.(*Store).put`: the arguments are the last brackets, `(...)` for
 * a function inlined into its caller. Go prints runtime.gopanic as `panic`, which Delve names fully.
 */
function goFunction(line: string): { name: string; inline: boolean } {
  const inline = line.endsWith('(...)');
  let name = line;
  if (line.endsWith(')')) {
    let depth = 0;
    for (let i = line.length - 1; i >= 0; i--) {
      if (line[i] === ')') depth++;
      else if (line[i] === '(' && --depth === 0) {
        name = line.slice(0, i) || line;
        break;
      }
    }
  }
  return { name: name === 'panic' ? 'runtime.gopanic' : name, inline };
}

/** A Go panic or fatal error with its goroutines, as the runtime prints them on stderr; null where the text holds none. */
export function parseGoPanic(text: string): RuntimeOutput | null {
  let message: string | null = null;
  let signal: ReturnType<typeof goSignal> = null;
  const stacks: RuntimeStack[] = [];
  let current: RuntimeStack | null = null;
  let pending: { name: string; inline: boolean } | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (message === null) {
      const prefix = GO_MESSAGE.find((p) => line.startsWith(p));
      if (prefix) message = line.trim();
      continue;
    }
    signal ??= goSignal(line);
    if (line.startsWith('goroutine ') && line.endsWith(':')) {
      const id = line.slice('goroutine '.length).split(' ')[0] ?? '';
      if (isNumber(id)) {
        current = { name: line.slice(0, -1), current: stacks.length === 0, goroutine: Number(id), frames: [] };
        stacks.push(current);
        pending = null;
        continue;
      }
    }
    if (!current) continue;
    if (line === '') {
      current = null;
      continue;
    }
    if (line.startsWith('\t')) {
      if (pending === null) continue;
      const where = line.trim();
      const space = where.indexOf(' ');
      const place = placeFromEnd(space < 0 ? where : where.slice(0, space));
      const pc = where.indexOf(' pc=');
      const address = pc < 0 ? '0x0' : (where.slice(pc + 4).split(' ')[0] ?? '0x0');
      current.frames.push(
        frame({
          address: /^0x[0-9a-f]+$/i.test(address) ? address : '0x0',
          function: pending.name,
          file: place.file,
          line: place.line,
          language: 'go',
          inline: pending.inline,
        }),
      );
      pending = null;
    } else if (!line.startsWith('created by ')) pending = goFunction(line.trim());
    else pending = null;
  }
  if (message === null || stacks.length === 0) return null;
  return {
    runtime: 'go',
    message,
    signal: signal ? signalNumber(signal.signal) : null,
    faultAddress: signal?.address ?? null,
    stacks: stacks.map((s) => ({ ...s, frames: numbered(s.frames) })),
  };
}

const FAULTHANDLER = 'Fatal Python error: ';
/** What faulthandler says of the signal it caught (strsignal's words). */
const PYTHON_SIGNALS: Record<string, string> = {
  'Segmentation fault': 'SIGSEGV',
  Aborted: 'SIGABRT',
  'Floating point exception': 'SIGFPE',
  'Bus error': 'SIGBUS',
  'Illegal instruction': 'SIGILL',
};

/** `  File "/app/x.py", line 6 in read_header` (faulthandler) or `, line 6, in read_header` (a traceback). */
export function pythonFrameLine(line: string): Frame | null {
  const text = line.trim();
  if (!text.startsWith('File "')) return null;
  const close = text.indexOf('", line ');
  if (close < 0) return null;
  const rest = text.slice(close + '", line '.length);
  const space = rest.indexOf(' ');
  const number = (space < 0 ? rest : rest.slice(0, space)).replace(/,$/, '');
  const inAt = rest.indexOf('in ');
  return frame({
    address: '0x0',
    function: inAt < 0 ? null : rest.slice(inAt + 3),
    file: text.slice('File "'.length, close),
    line: isNumber(number) ? Number(number) : null,
    language: 'python',
  });
}

/** CPython's faulthandler report; null where the text holds none. */
export function parseFaulthandler(text: string): RuntimeOutput | null {
  let message: string | null = null;
  const stacks: RuntimeStack[] = [];
  let current: RuntimeStack | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (message === null) {
      if (line.startsWith(FAULTHANDLER)) message = line.trim();
      continue;
    }
    const head = line.startsWith('Current thread 0x') || line.startsWith('Thread 0x');
    if (head && line.endsWith('(most recent call first):')) {
      current = { name: line.slice(0, line.indexOf(' (')), current: line.startsWith('Current'), frames: [] };
      stacks.push(current);
      continue;
    }
    const f = current ? pythonFrameLine(line) : null;
    if (f && current) current.frames.push(f);
    else if (line.trim() !== '') current = null;
  }
  if (message === null || stacks.length === 0) return null;
  const what = message.slice(FAULTHANDLER.length);
  return {
    runtime: 'python',
    message,
    signal: signalNumber(PYTHON_SIGNALS[what] ?? ''),
    faultAddress: null,
    stacks: stacks.map((s) => ({ ...s, frames: numbered(s.frames) })),
  };
}

/** `baz (/app/index.js:3:3)` or `Timeout.foo [as _onTimeout] (/app/index.js:9:10)`, as Node prints under FROM. */
function nodeFromLine(line: string): Frame | null {
  const text = line.trim();
  if (!text.endsWith(')')) return null;
  const open = text.lastIndexOf(' (');
  if (open <= 0) return null;
  const place = placeFromEnd(text.slice(open + 2, -1));
  if (place.line === null) return null;
  return frame({
    address: '0x0',
    function: text.slice(0, open),
    file: place.file,
    line: place.line,
    ...(place.column !== null ? { column: place.column } : {}),
    language: 'javascript',
  });
}

/** What `node --abort-on-uncaught-exception` prints before it aborts; null where the text holds none. */
export function parseNodeAbort(text: string): RuntimeOutput | null {
  let message: string | null = null;
  let from = false;
  const frames: Frame[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (message === null) {
      if (line.startsWith('Uncaught ')) message = line.trim();
      continue;
    }
    if (!from) {
      from = line === 'FROM';
      continue;
    }
    const f = nodeFromLine(line);
    if (!f) break;
    frames.push(f);
  }
  if (message === null || frames.length === 0) return null;
  return {
    runtime: 'node',
    message,
    signal: null,
    faultAddress: null,
    stacks: [{ name: 'main thread', current: true, frames: numbered(frames) }],
  };
}

/**
 * A Node.js diagnostic report with a JavaScript stack (on an uncaught exception, or written by the
 * program with the error before it aborts), as the capture agent keeps it
 * beside the core: its JavaScript stack has the lines that were running. Null for any other text
 * or report (a fatal error's has no JavaScript stack to add).
 */
export function nodeReportOutput(text: string): RuntimeOutput | null {
  if (!isNodeReportHead(Buffer.from(text.slice(0, 256)))) return null;
  let report: ReturnType<typeof parseNodeReport>;
  try {
    report = parseNodeReport(text, 'the Node.js report');
  } catch {
    // A report cut off on its way is no report to add: the core's own reading stands.
    return null;
  }
  const frames = report.jsStack.flatMap((line, i) => parseJsFrameLine(line, i) ?? []);
  if (frames.length === 0) return null;
  return {
    runtime: 'node',
    message: `Uncaught ${report.message ?? 'exception'}`,
    signal: null,
    faultAddress: null,
    stacks: [{ name: 'main thread', current: true, frames: numbered(frames) }],
  };
}

/** The first runtime report a text holds, of any of the three, or a Node.js report. */
export const parseRuntimeOutput = (text: string): RuntimeOutput | null =>
  nodeReportOutput(text) ?? parseGoPanic(text) ?? parseFaulthandler(text) ?? parseNodeAbort(text);
