import type { Frame, Thread } from '../../shared/model';

/**
 * Stacks that come as text, for crashes whose bundle has no core: apport's `Stacktrace`
 * (gdb's `bt full`), and AppScope's `backtrace_` (`#n 0xIP symbol + offset`). Both are read by
 * scanning, not by regular expressions: the text comes from the crashed machine, and a pattern
 * that backtracks takes seconds or minutes over one long line.
 */

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined): boolean =>
  c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));

/** `#N` and the spaces after it: the frame number and where the rest starts, or null. */
function frameNumber(line: string): { index: number; at: number } | null {
  if (line[0] !== '#') return null;
  let at = 1;
  while (isDigit(line[at])) at++;
  if (at === 1 || !isSpace(line[at])) return null;
  const index = Number(line.slice(1, at));
  while (isSpace(line[at])) at++;
  return { index, at };
}

/** The length of `0x` and hex digits at `at`, or 0. */
function hexLength(line: string, at: number): number {
  if (line[at] !== '0' || (line[at + 1] !== 'x' && line[at + 1] !== 'X')) return 0;
  let end = at + 2;
  while (isHex(line[end])) end++;
  return end > at + 2 ? end - at : 0;
}

const allDigits = (text: string): boolean => text.length > 0 && [...text].every(isDigit);

/** One line of gdb's backtrace: `#N [0xADDR in ]FUNC[ (ARGS)][ at FILE:LINE][ from LIB]`. */
export function parseGdbFrameLine(raw: string): Frame | null {
  const line = raw.trim();
  const head = frameNumber(line);
  if (!head) return null;
  let rest = line.slice(head.at);
  let address: string | undefined;
  const hex = hexLength(rest, 0);
  if (hex && rest.startsWith(' in ', hex)) {
    address = rest.slice(0, hex);
    rest = rest.slice(hex + 4);
  }
  let module: string | undefined;
  const from = rest.lastIndexOf(' from ');
  if (from > 0 && !/\s/.test(rest.slice(from + 6)) && from + 6 < rest.length) {
    module = rest.slice(from + 6);
    rest = rest.slice(0, from);
  }
  let file: string | undefined;
  let lineNumber: string | undefined;
  const at = rest.lastIndexOf(' at ');
  if (at > 0) {
    const place = rest.slice(at + 4);
    const colon = place.lastIndexOf(':');
    if (colon > 0 && !/\s/.test(place) && allDigits(place.slice(colon + 1))) {
      file = place.slice(0, colon);
      lineNumber = place.slice(colon + 1);
      rest = rest.slice(0, at);
    }
  }
  const args = rest.indexOf(' (');
  const fn = args > 0 && rest.endsWith(')') ? rest.slice(0, args) : rest;
  return fn ? frame(head.index, address, fn, file, lineNumber, module) : null;
}

/** One line of AppScope's backtrace: `#N 0xADDR SYMBOL[ + OFFSET]`. */
export function parseScopeFrameLine(raw: string): Frame | null {
  const line = raw.trim();
  const head = frameNumber(line);
  if (!head) return null;
  const hex = hexLength(line, head.at);
  const after = head.at + hex;
  if (!hex || !isSpace(line[after])) return null;
  let symbol = line.slice(after).trim();
  const plus = symbol.lastIndexOf('+');
  if (plus >= 0) {
    const offset = symbol.slice(plus + 1).trim();
    if (allDigits(offset) || (hexLength(offset, 0) === offset.length && offset.length > 2)) symbol = symbol.slice(0, plus).trim();
  }
  return frame(head.index, line.slice(head.at, after), symbol || undefined);
}

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
    const parsed = parseGdbFrameLine(raw);
    if (parsed) frames.push(parsed);
  }
  return frames;
}

/** AppScope's backtrace lines: "#0 0x00007f… __GI_raise + 0xcb". */
export function parseScopeBacktrace(text: string): Frame[] {
  const frames: Frame[] = [];
  for (const raw of text.split('\n')) {
    const parsed = parseScopeFrameLine(raw);
    if (parsed) frames.push(parsed);
  }
  return frames;
}

/** A single crashed thread made from a text stack. */
export function threadFromFrames(frames: Frame[], tid: number): Thread {
  return { id: tid, number: 1, name: null, crashed: true, frames, framesTruncated: false, registers: {}, locals: {} };
}
