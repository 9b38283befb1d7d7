import type { Frame, FrameTrust, RuntimeReading, SystemInfo, Thread } from './crash-model';

/** The last part of a path, whichever platform wrote it (`C:\app\app.exe` as well as `/usr/bin/app`). */
export const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/** Where a module sits, for frames whose offset was not kept (a debugger's frames). */
export interface ModuleBase {
  path: string;
  start: string;
}

/** The frame's offset in its module, kept or worked out from the module's base. */
function moduleOffsetOf(frame: Pick<Frame, 'address' | 'module' | 'moduleOffset'>, modules: ModuleBase[] = []): string | null {
  if (frame.moduleOffset) return frame.moduleOffset;
  const module = frame.module === null ? undefined : modules.find((m) => m.path === frame.module);
  if (!module || !/^0x[0-9a-f]+$/i.test(frame.address) || !/^0x[0-9a-f]+$/i.test(module.start)) return null;
  const offset = BigInt(frame.address) - BigInt(module.start);
  return offset >= 0n ? `0x${offset.toString(16)}` : null;
}

/** A frame as people read it: its function, or `module + 0xoffset` where no symbol names it, never a bare address. */
export function frameLabel(frame: Pick<Frame, 'address' | 'function' | 'module' | 'moduleOffset'>, modules: ModuleBase[] = []): string {
  if (frame.function) return frame.function;
  if (!frame.module) return frame.address;
  const offset = moduleOffsetOf(frame, modules);
  return offset ? `${fileName(frame.module)} + ${offset}` : fileName(frame.module);
}

/**
 * A frame's address as shown: none where the recorder gave none (a JavaScript frame of a Node.js
 * report, a text stack without addresses), rather than a made-up 0x0. A call through a NULL
 * pointer keeps its 0x0: it has no function.
 */
export const shownAddress = (frame: Pick<Frame, 'address' | 'function'>): string =>
  frame.address === '0x0' && frame.function !== null ? '' : frame.address;

/** How a walked frame was found, in words for a badge's tooltip and a report. */
export const TRUST_WORDS: Record<FrameTrust, string> = {
  context: 'from the thread’s registers',
  cfi: 'by unwind rules (CFI)',
  'frame-pointer': 'by the frame-pointer chain',
  scan: 'by scanning the stack: a guess, left out of grouping',
  guess: 'by the debugger without the unwind rules of the code it came through: a guess, left out of grouping',
};

/** Frames a guess found: shown, but no part of what groups a crash. */
export const isGuessed = (f: { trust?: FrameTrust }): boolean => f.trust === 'scan' || f.trust === 'guess';

/** "3 d 4 h", "1 h 2 min", "42 s": how long a process had run, in its two largest units. */
export function uptimeWords(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let left = Math.max(0, Math.floor(seconds));
  for (const [name, size] of units) {
    if (left >= size || (name === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(left / size)} ${name}`);
      left %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** "Windows NT 10.0.19045 · amd64", "Linux 4.9.60 … · amd64 · Ubuntu 16.04.3 LTS": what a dump says of the machine it was written on. */
export const systemLine = (system: SystemInfo): string =>
  `${system.os} ${system.osVersion} · ${system.cpu}${system.distribution ? ` · ${system.distribution}` : ''}`;

/**
 * Where a frame is, as people read it: `/app/index.js:12:13`, and "defined at …" where the reader
 * knows only where the function is defined (V8's frames read by llnode). Empty without a file.
 */
export function framePosition(frame: Pick<Frame, 'file' | 'line' | 'column' | 'position'>): string {
  if (!frame.file) return '';
  const place = `${frame.file}${frame.line !== null ? `:${frame.line}${frame.column !== undefined ? `:${frame.column}` : ''}` : ''}`;
  return frame.position === 'definition' ? `defined at ${place}` : place;
}

/** The language of a runtime's frame, for a badge: "JS", "Go", "Python"; empty for native code. */
export const LANGUAGE_BADGES: Record<NonNullable<Frame['language']>, string> = { javascript: 'JS', go: 'Go', python: 'Python' };

/**
 * A thread's heading: "Thread 2 (LWP 27230)"; "goroutine 7 (LWP 27230)" or "goroutine 9 (not
 * running)" for Go; and its name for a stack that ran on no thread the core knows (the thrown
 * error's stack from a Node.js report, a stack a runtime printed).
 */
export function threadHeading(thread: Pick<Thread, 'number' | 'id' | 'goroutine' | 'name'>): string {
  if (thread.goroutine !== undefined) return `goroutine ${thread.goroutine} (${thread.id > 0 ? `LWP ${thread.id}` : 'not running'})`;
  if (thread.id <= 0) return thread.name ?? `Stack ${thread.number}`;
  return `Thread ${thread.number} (LWP ${thread.id})`;
}

/** The heading inside a sentence: "crashed thread 2 (LWP 27230)", "crashed goroutine 18 (…)". */
export const threadMention = (thread: Pick<Thread, 'number' | 'id' | 'goroutine' | 'name'>): string =>
  threadHeading(thread).replace(/^Thread/, 'thread');

/** Whether a thread's name is said beside its heading: the heading holds it already where the thread has no LWP. */
export const nameBesideHeading = (thread: Pick<Thread, 'id' | 'goroutine' | 'name'>): boolean =>
  thread.name !== null && thread.id > 0 && thread.goroutine === undefined;

/** A runtime reading's reader when the reading is what the runtime printed as it died (a log, a captured stderr). */
export const PRINTED = 'printed';

/** A runtime's name as people write it. */
export const RUNTIME_WORDS: Record<RuntimeReading['runtime'], string> = { node: 'Node.js', go: 'Go', python: 'Python' };

/** The runtime's word on the crash, as a line above the signal: "Uncaught TypeError: bad input (read by llnode)". */
export function runtimeLine(runtime: RuntimeReading | undefined): string | null {
  if (!runtime?.message) return null;
  const text =
    runtime.runtime === 'node' && !runtime.message.startsWith('JavaScript heap') ? `Uncaught ${runtime.message}` : runtime.message;
  if (runtime.reader === PRINTED) return `${text} (as ${RUNTIME_WORDS[runtime.runtime]} printed it)`;
  return runtime.reader ? `${text} (read by ${runtime.reader})` : text;
}

/**
 * Whether the console's debugger numbers this thread and its frames as the views do. A goroutine,
 * or a stack with a runtime's frames put in (JavaScript, Python), is numbered by the runtime's
 * reader: the live views then keep to what was stored, and the console's own commands apply.
 */
export const debuggerNumbersThread = (thread: Pick<Thread, 'goroutine' | 'frames'>): boolean =>
  thread.goroutine === undefined && !thread.frames.some((f) => f.language === 'javascript' || f.language === 'python');
