/**
 * Parses JSON that crash handlers write by hand and sometimes get wrong (trailing commas,
 * single quotes, a truncated end, control characters in strings). Strict first; then repaired;
 * then, as a last resort, the flat "key": value pairs that can still be read.
 */
export function parseLenientJson(text: string): Record<string, unknown> {
  const strict = tryParse(text);
  if (strict) return strict;
  const repaired = text
    .replace(/^\uFEFF/, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ' ')
    .replace(/,\s*([}\]])/g, '$1')
    .replace(/'([^'"\\]*)'/g, '"$1"');
  const fixed = tryParse(repaired) ?? tryParse(closeBrackets(repaired));
  if (fixed) return fixed;
  return flatPairs(text);
}

const isKeyChar = (c: string): boolean => /[\w.-]/.test(c);
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** The end of the string that opens at `at` (the index past its closing quote), or -1 when it never closes. */
function stringEnd(text: string, at: number): number {
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

/** A number, true, false or null at `at`: its end, or -1. */
function scalarEnd(text: string, at: number): number {
  for (const word of ['true', 'false', 'null']) if (text.startsWith(word, at)) return at + word.length;
  let i = at + (text[at] === '-' ? 1 : 0);
  const digits = i;
  while (i < text.length && (text[i] as string) >= '0' && (text[i] as string) <= '9') i++;
  if (i === digits) return -1;
  if (text[i] === '.' && (text[i + 1] ?? '') >= '0' && (text[i + 1] ?? '') <= '9')
    for (i++; (text[i] ?? '') >= '0' && (text[i] ?? '') <= '9'; i++);
  return i;
}

/**
 * The flat "key": value pairs still readable in a damaged document, found in one pass: a scan,
 * since the text comes from a crashed machine and a pattern over it could backtrack.
 */
function flatPairs(text: string): Record<string, unknown> {
  const pairs: Record<string, unknown> = {};
  let at = text.indexOf('"');
  while (at !== -1) {
    const close = stringEnd(text, at);
    if (close === -1) break;
    const key = text.slice(at + 1, close - 1);
    let next = close;
    while (isBlank(text[next])) next++;
    if (text[next] !== ':' || !key || ![...key].every(isKeyChar)) {
      at = text.indexOf('"', close);
      continue;
    }
    next++;
    while (isBlank(text[next])) next++;
    const end = text[next] === '"' ? stringEnd(text, next) : scalarEnd(text, next);
    if (end !== -1 && !(key in pairs)) pairs[key] = tryValue(text.slice(next, end));
    at = text.indexOf('"', end === -1 ? next : end);
  }
  return pairs;
}

function tryParse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function tryValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.replace(/^"|"$/g, '');
  }
}

/** Closes the strings, arrays and objects left open by a file cut short. */
function closeBrackets(text: string): string {
  const open: string[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') open.push('}');
    else if (c === '[') open.push(']');
    else if (c === '}' || c === ']') open.pop();
  }
  return `${text}${inString ? '"' : ''}${open.reverse().join('')}`.replace(/,\s*([}\]])/g, '$1');
}

/** A JSON value as attribute text: strings as they are, the rest as JSON. */
export function attributeText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
