import type { Frame, Thread } from '../../shared/model';

/**
 * Stacks that come as text, for crashes whose bundle has no core: apport's `Stacktrace`
 * (gdb's `bt full`), and AppScope's `backtrace_` (`#n 0xIP symbol + offset`).
 */
const GDB_FRAME = /^#(\d+)\s+(?:(0x[0-9a-f]+) in )?(.+?)(?: \(.*?\))?(?: at (\S+?):(\d+))?(?: from (\S+))?\s*$/;
const SCOPE_FRAME = /^#(\d+)\s+(0x[0-9a-f]+)\s+(.*?)(?:\s*\+\s*(0x[0-9a-f]+|\d+))?\s*$/i;

function frame(index: number, address: string | undefined, fn: string | undefined, file?: string, line?: string, module?: string): Frame {
  const name = fn?.trim();
  return {
    index,
    address: address ? `0x${BigInt(address).toString(16)}` : '0x0',
    function: name && name !== '??' ? name : null,
    file: file ?? null,
    line: line ? Number(line) : null,
    module: module ?? null,
    inline: false,
  };
}

/** gdb's backtrace text, one thread; lines of locals under each frame are skipped. */
export function parseGdbBacktrace(text: string): Frame[] {
  const frames: Frame[] = [];
  for (const raw of text.split('\n')) {
    const m = GDB_FRAME.exec(raw.trim());
    if (!m) continue;
    frames.push(frame(Number(m[1]), m[2], m[3], m[4], m[5], m[6]));
  }
  return frames;
}

/** AppScope's backtrace lines: "#0 0x00007f… __GI_raise + 0xcb". */
export function parseScopeBacktrace(text: string): Frame[] {
  const frames: Frame[] = [];
  for (const raw of text.split('\n')) {
    const m = SCOPE_FRAME.exec(raw.trim());
    if (!m) continue;
    frames.push(frame(Number(m[1]), m[2], m[3]?.trim() || undefined));
  }
  return frames;
}

/** A single crashed thread made from a text stack. */
export function threadFromFrames(frames: Frame[], tid: number): Thread {
  return { id: tid, number: 1, name: null, crashed: true, frames, framesTruncated: false, registers: {}, locals: {} };
}
