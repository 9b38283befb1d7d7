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
  const pairs: Record<string, unknown> = {};
  for (const m of text.matchAll(/"([\w.-]+)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)/g)) {
    const key = m[1] ?? '';
    const value = tryValue(m[2] ?? 'null');
    if (key && !(key in pairs)) pairs[key] = value;
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
