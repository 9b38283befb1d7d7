/**
 * Globs as Sentry's stack trace rules write them: `*` any run of characters, `?` one, `[abc]` a
 * class, `\` before a character takes it as it is. In a path, `*` stays within one folder and
 * `**` crosses folders; paths match whatever their case (Windows' and macOS's are case-blind).
 */
export class GlobError extends Error {}

export function globToRegExp(glob: string, path: boolean): RegExp {
  if (glob === '') throw new GlobError('an empty value matches nothing; use * for any');
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') {
      const double = glob[i + 1] === '*';
      if (double) i++;
      out += path && !double ? '[^/]*' : '.*';
    } else if (ch === '?') out += path ? '[^/]' : '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) throw new GlobError(`the class opened by [ at character ${i + 1} is never closed with ]`);
      const body = glob.slice(i + 1, end);
      out += `[${body.startsWith('!') ? `^${escapeClass(body.slice(1))}` : escapeClass(body)}]`;
      i = end;
    } else if (ch === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[++i] as string);
    } else out += escapeChar(ch);
  }
  return new RegExp(`^${out}$`, path ? 'iu' : 'u');
}

function escapeChar(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

function escapeClass(body: string): string {
  return body.replace(/[\\\]^]/g, (c) => `\\${c}`);
}
