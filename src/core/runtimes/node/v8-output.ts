/**
 * llnode's output read: `v8 bt`'s frames, `v8 findjsobjects`' table and `v8 findjsinstances -d`'s
 * objects. Scanned line by line from the ends of each line, so a script path with colons or an
 * argument with brackets costs its length only.
 */

import { placeFromEnd } from '../../sources/text-place';

/** One frame of `v8 bt`, as llnode printed it. */
export type V8Frame =
  | { kind: 'native'; address: string; module: string; function: string; file: string | null; line: number | null }
  | { kind: 'stub'; address: string; name: string }
  | { kind: 'javascript'; address: string; function: string; script: string | null; line: number | null; column: number | null };

const FRAME_MARK = 'frame #';

function hex(text: string): string | null {
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(text)) return null;
  return `0x${BigInt(text).toString(16)}`;
}

function javascriptFrame(address: string, rest: string): V8Frame {
  let text = rest;
  const fn = text.lastIndexOf(' fn=0x');
  if (fn >= 0) text = text.slice(0, fn);
  const at = text.lastIndexOf(' at ');
  const where = at >= 0 ? placeFromEnd(text.slice(at + 4).trim()) : null;
  const head = at >= 0 ? text.slice(0, at) : text;
  // An unnamed function is printed as its arguments alone: `(this=0x…:<Global proxy>, …)`.
  const open = head.indexOf('(');
  const name = (open >= 0 ? head.slice(0, open) : head).trim();
  return {
    kind: 'javascript',
    address,
    function: name === '' ? '<anonymous>' : name,
    script: where?.file ?? null,
    line: where?.line ?? null,
    column: where?.column ?? null,
  };
}

/**
 * `module\`function + 18`, or with debug info `module\`function(arg=value, …) at file.c:178:5`:
 * the arguments' values go (a name with `=` in its brackets is a call, not a C++ signature).
 */
function nativeFrame(address: string, rest: string, tick: number): V8Frame {
  let name = rest.slice(tick + 1);
  const at = name.lastIndexOf(' at ');
  const where = at >= 0 ? placeFromEnd(name.slice(at + 4).trim()) : null;
  if (at >= 0) name = name.slice(0, at);
  const plus = /^(.*) \+ \d+$/.exec(name);
  if (plus) name = plus[1] as string;
  const open = name.indexOf('(');
  if (open > 0 && name.indexOf('=', open) > 0) name = name.slice(0, open);
  return { kind: 'native', address, module: rest.slice(0, tick), function: name, file: where?.file ?? null, line: where?.line ?? null };
}

/** The frames of the first thread `v8 bt` printed, innermost first. */
export function parseV8Backtrace(output: string): V8Frame[] {
  const frames: V8Frame[] = [];
  let seenThread = false;
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('* thread #') || line.startsWith('thread #')) {
      if (seenThread) break;
      seenThread = true;
      continue;
    }
    const mark = line.indexOf(FRAME_MARK);
    if (mark < 0 || mark > 2) continue;
    const colon = line.indexOf(': ', mark);
    if (colon < 0) continue;
    const body = line.slice(colon + 2);
    const space = body.indexOf(' ');
    const address = hex(space < 0 ? body : body.slice(0, space));
    if (!address) continue;
    const rest = space < 0 ? '' : body.slice(space + 1).trim();
    const tick = rest.indexOf('`');
    const paren = rest.indexOf('(');
    if (rest.startsWith('<') && rest.endsWith('>') && !rest.includes(' ')) frames.push({ kind: 'stub', address, name: rest });
    else if (tick > 0 && (paren < 0 || tick < paren) && !rest.slice(0, tick).includes(' ')) frames.push(nativeFrame(address, rest, tick));
    else frames.push(javascriptFrame(address, rest));
  }
  return frames;
}

/** `v8 findjsobjects`: how many objects of each constructor the heap holds. */
export function parseObjectCounts(output: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const raw of output.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\S.*)$/.exec(raw);
    if (m) counts.set((m[3] as string).trim(), Number(m[1]));
  }
  return counts;
}

/** Constructors that name an error: what a program throws. */
export const isErrorClass = (name: string): boolean => /^[A-Za-z_$][\w$]*(Error|Exception)$/.test(name);

/** llnode cuts a string it prints inside an object at 16 characters, and says so with an ellipsis. */
export const CUT_STRING = '...';

export interface ErrorObject {
  type: string;
  message: string | null;
  /** The message string's own address, for `v8 inspect -F` where the message was cut. */
  messageAddress: string | null;
}

/** The `.message` strings of `v8 findjsinstances -d`'s objects, by their constructor, in the order printed. */
export function parseErrorMessages(output: string): ErrorObject[] {
  const found: ErrorObject[] = [];
  for (const raw of output.split('\n')) {
    const object = raw.indexOf(':<Object: ');
    if (object >= 0 && /^0x[0-9a-f]+$/i.test(raw.slice(0, object).trim())) {
      const rest = raw.slice(object + ':<Object: '.length);
      const end = rest.indexOf(' ');
      found.push({ type: end < 0 ? rest.replace(/>$/, '') : rest.slice(0, end), message: null, messageAddress: null });
      continue;
    }
    const key = raw.indexOf('.message=');
    const last = found.at(-1);
    if (key < 0 || !last || last.message !== null) continue;
    const start = raw.indexOf('<String: "', key);
    const stop = raw.lastIndexOf('">');
    if (start >= 0 && stop > start) last.message = raw.slice(start + '<String: "'.length, stop);
    const address = raw.slice(key + '.message='.length, start < 0 ? undefined : start).replace(/:$/, '');
    if (/^0x[0-9a-f]{1,16}$/i.test(address)) last.messageAddress = address;
  }
  return found;
}

/** `v8 inspect -F`'s whole string: `0x…:<String: "…">`. */
export function parseInspectedString(output: string): string | null {
  const start = output.indexOf(':<String: "');
  const stop = output.lastIndexOf('">');
  return start >= 0 && stop > start ? output.slice(start + ':<String: "'.length, stop) : null;
}
