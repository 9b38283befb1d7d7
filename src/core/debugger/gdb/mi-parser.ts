/**
 * GDB/MI output parser (the grammar of "GDB/MI Output Syntax" in the gdb manual).
 * Values are strings, tuples (objects) and lists; a list of results with repeated names,
 * like frame={…},frame={…}, becomes an array of the values.
 */

export type MiValue = string | MiTuple | MiValue[];
export interface MiTuple {
  [name: string]: MiValue;
}

export type MiRecord =
  | { kind: 'result'; token: number | null; class: string; results: MiTuple }
  | { kind: 'async'; token: number | null; type: 'exec' | 'status' | 'notify'; class: string; results: MiTuple }
  | { kind: 'stream'; type: 'console' | 'target' | 'log'; text: string }
  | { kind: 'prompt' };

export class MiSyntaxError extends Error {
  constructor(line: string, at: number, what: string) {
    super(`GDB/MI syntax error at column ${at} (${what}) in: ${line.slice(0, 200)}`);
    this.name = 'MiSyntaxError';
  }
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '"': '"',
  '\\': '\\',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  e: '\x1b',
};

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new MiSyntaxError(this.text, this.pos, what);
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  cString(): string {
    this.expect('"');
    let out = '';
    const bytes: number[] = [];
    const flushBytes = (): void => {
      if (bytes.length) out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    };
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined) this.fail('unterminated string');
      if (ch === '"') break;
      if (ch !== '\\') {
        flushBytes();
        out += ch;
        continue;
      }
      const next = this.text[this.pos++] ?? '';
      // gdb escapes non-ASCII bytes as octal; collect them so multi-byte UTF-8 decodes whole.
      if (/[0-7]/.test(next)) {
        let digits = next;
        while (digits.length < 3 && /[0-7]/.test(this.peek())) digits += this.text[this.pos++];
        bytes.push(parseInt(digits, 8));
        continue;
      }
      flushBytes();
      out += ESCAPES[next] ?? next;
    }
    flushBytes();
    return out;
  }

  name(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !'=,{}[]"'.includes(this.text[this.pos] ?? '')) this.pos++;
    if (this.pos === start) this.fail('expected a name');
    return this.text.slice(start, this.pos);
  }

  value(): MiValue {
    const ch = this.peek();
    if (ch === '"') return this.cString();
    if (ch === '{') return this.tuple();
    if (ch === '[') return this.list();
    return this.fail('expected a value');
  }

  tuple(): MiTuple {
    this.expect('{');
    const out: MiTuple = {};
    if (this.peek() === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      const [k, v] = this.result();
      addResult(out, k, v);
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return out;
    }
  }

  list(): MiValue[] {
    this.expect('[');
    const out: MiValue[] = [];
    if (this.peek() === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      const ch = this.peek();
      if (ch === '"' || ch === '{' || ch === '[') out.push(this.value());
      else out.push(this.result()[1]);
      if (this.peek() === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return out;
    }
  }

  result(): [string, MiValue] {
    const key = this.name();
    this.expect('=');
    return [key, this.value()];
  }

  results(): MiTuple {
    const out: MiTuple = {};
    while (this.peek() === ',') {
      this.pos++;
      const [k, v] = this.result();
      addResult(out, k, v);
    }
    if (this.pos !== this.text.length) this.fail('trailing characters');
    return out;
  }
}

/** Arrays made from repeated names (frame={…},frame={…}), told apart from MI list values. */
const repeated = new WeakSet<MiValue[]>();

function addResult(into: MiTuple, key: string, value: MiValue): void {
  const existing = into[key];
  if (existing === undefined) into[key] = value;
  else if (Array.isArray(existing) && repeated.has(existing)) existing.push(value);
  else {
    const list: MiValue[] = [existing, value];
    repeated.add(list);
    into[key] = list;
  }
}

const ASYNC_TYPES = { '*': 'exec', '+': 'status', '=': 'notify' } as const;
const STREAM_TYPES = { '~': 'console', '@': 'target', '&': 'log' } as const;

/**
 * Parses one line of MI output. Returns null for lines that are not MI records
 * (the echo of a command, or program output that shares the terminal).
 */
export function parseMiLine(raw: string): MiRecord | null {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (/^\(gdb\) ?$/.test(line)) return { kind: 'prompt' };
  const match = /^(\d*)([\^*+=~@&])/.exec(line);
  if (!match) return null;
  const token = match[1] ? Number(match[1]) : null;
  const sigil = match[2] as keyof typeof ASYNC_TYPES | keyof typeof STREAM_TYPES | '^';
  const cursor = new Cursor(line);
  cursor.pos = match[0].length;
  if (sigil === '~' || sigil === '@' || sigil === '&') {
    if (token !== null || cursor.peek() !== '"') return null;
    return { kind: 'stream', type: STREAM_TYPES[sigil], text: cursor.cString() };
  }
  const cls = /^[a-z-]+/.exec(line.slice(cursor.pos));
  if (!cls) return null;
  cursor.pos += cls[0].length;
  const results = cursor.results();
  if (sigil === '^') return { kind: 'result', token, class: cls[0], results };
  return { kind: 'async', token, type: ASYNC_TYPES[sigil], class: cls[0], results };
}

/** Quotes a string as an MI c-string argument. */
export function miQuote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function miString(value: MiValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

export function miTuple(value: MiValue | undefined): MiTuple | null {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

/** A list field that gdb may write as a list, a single tuple, or not at all. */
export function miList(value: MiValue | undefined): MiValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
