/**
 * Reading what a reference tool printed: Breakpad's `minidump_stackwalk` (whose human output
 * rust-minidump's `minidump-stackwalk` shares), as a person reading it would, frame by frame.
 */

export type Trust = 'context' | 'cfi' | 'cfi-scan' | 'frame-pointer' | 'scan' | 'inline' | 'unknown';

export interface ReferenceFrame {
  module: string | null;
  function: string | null;
  file: string | null;
  line: number | null;
  /** `module + 0x…`, where the reference names no function. */
  offset: string | null;
  trust: Trust;
}

export interface ReferenceStack {
  os: string;
  reason: string;
  frames: ReferenceFrame[];
}

const FOUND_BY: Record<string, Trust> = {
  'given as instruction pointer in context': 'context',
  'call frame info': 'cfi',
  'call frame info with scanning': 'cfi-scan',
  'previous frame\u2019s frame pointer': 'frame-pointer',
  "previous frame's frame pointer": 'frame-pointer',
  'stack scanning': 'scan',
  'inline record': 'inline',
  inlining: 'inline',
};

/** One frame's text: `module!function [file : line + 0x…]`, `module!function + 0x…`, `module + 0x…` or an address. */
export function parseFrameText(text: string): Omit<ReferenceFrame, 'trust'> {
  const located = /^(.+?)!(.+) \[(.+) : (\d+)(?: \+ 0x[0-9a-f]+)?\]$/.exec(text);
  if (located)
    return { module: located[1] ?? null, function: located[2] ?? null, file: located[3] ?? null, line: Number(located[4]), offset: null };
  const named = /^(.+?)!(.+) \+ 0x[0-9a-f]+$/.exec(text);
  if (named) return { module: named[1] ?? null, function: named[2] ?? null, file: null, line: null, offset: null };
  const bare = /^(.+) \+ (0x[0-9a-f]+)$/.exec(text);
  if (bare) return { module: bare[1] ?? null, function: null, file: null, line: null, offset: bare[2] ?? null };
  return { module: null, function: null, file: null, line: null, offset: null };
}

/** The crashing thread's stack, the OS and the crash reason, from minidump_stackwalk's human output. */
export function parseStackwalk(output: string): ReferenceStack {
  const lines = output.split('\n');
  const os = /^Operating system: (.*)$/m.exec(output)?.[1]?.trim() ?? '';
  const reason = /^Crash reason: +(.*)$/m.exec(output)?.[1]?.trim() ?? '';
  const start = lines.findIndex((l) => /^Thread \d+ .*\(crashed\)/.test(l));
  const frames: ReferenceFrame[] = [];
  if (start === -1) return { os, reason, frames };
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '' || /^(Thread|Loaded modules)/.test(line)) break;
    const frame = /^ ?\s?(\d+) {2}(.+)$/.exec(line);
    if (frame) {
      frames.push({ ...parseFrameText(frame[2] as string), trust: 'unknown' });
      continue;
    }
    const found = /^\s+Found by: (.+)$/.exec(line);
    const last = frames.at(-1);
    if (found && last) last.trust = FOUND_BY[found[1] as string] ?? 'unknown';
  }
  return { os, reason, frames };
}
