/**
 * Globs as Sentry's stack trace rules write them: `*` any run of characters, `?` one, `[abc]` a
 * class, `\` before a character takes it as it is. In a path, `*` stays within one folder and
 * `**` crosses folders; paths match whatever their case (Windows' and macOS's are case-blind).
 *
 * A glob is matched by stepping a set of positions in it over the value, one character at a
 * time, never by a regular expression: `*a*a*a*a*X` as a regular expression backtracks for
 * minutes over one frame name, and rules come from any user of a shared workbench. The time is
 * the value's length times the glob's, and the glob's is capped.
 */
export class GlobError extends Error {}

/** Longest glob accepted, in its own characters. */
export const MAX_GLOB_LENGTH = 512;
/** Most wildcards (`*`, `**`) in one glob. */
export const MAX_GLOB_STARS = 32;

type Token =
  | { kind: 'char'; ch: string }
  | { kind: 'one' }
  | { kind: 'class'; chars: Set<string>; ranges: Array<[string, string]>; negated: boolean }
  | { kind: 'star'; crossesFolders: boolean };

export interface Glob {
  readonly source: string;
  test(value: string): boolean;
}

function parseClass(body: string): Extract<Token, { kind: 'class' }> {
  const negated = body.startsWith('!');
  const chars = new Set<string>();
  const ranges: Array<[string, string]> = [];
  const members = Array.from(negated ? body.slice(1) : body);
  for (let i = 0; i < members.length; i++) {
    const ch = members[i] as string;
    if (members[i + 1] === '-' && i + 2 < members.length) {
      ranges.push([ch, members[i + 2] as string]);
      i += 2;
    } else chars.add(ch);
  }
  return { kind: 'class', chars, ranges, negated };
}

function tokenize(glob: string, path: boolean): Token[] {
  const chars = Array.from(glob);
  const tokens: Token[] = [];
  let stars = 0;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '*') {
      const double = chars[i + 1] === '*';
      if (double) i++;
      const crossesFolders = !path || double;
      const last = tokens[tokens.length - 1];
      // Stars in a row are one star: they match the same values.
      if (last?.kind === 'star') last.crossesFolders ||= crossesFolders;
      else {
        tokens.push({ kind: 'star', crossesFolders });
        stars++;
      }
    } else if (ch === '?') tokens.push({ kind: 'one' });
    else if (ch === '[') {
      const end = chars.indexOf(']', i + 2);
      if (end < 0) throw new GlobError(`the class opened by [ at character ${i + 1} is never closed with ]`);
      tokens.push(parseClass(chars.slice(i + 1, end).join('')));
      i = end;
    } else if (ch === '\\' && i + 1 < chars.length) tokens.push({ kind: 'char', ch: chars[++i] as string });
    else tokens.push({ kind: 'char', ch });
  }
  if (stars > MAX_GLOB_STARS) throw new GlobError(`it has ${stars} wildcards; at most ${MAX_GLOB_STARS} are allowed in one glob`);
  return tokens;
}

export function compileGlob(glob: string, path: boolean): Glob {
  if (glob === '') throw new GlobError('an empty value matches nothing; use * for any');
  if (glob.length > MAX_GLOB_LENGTH) throw new GlobError(`it is ${glob.length} characters long; at most ${MAX_GLOB_LENGTH} are allowed`);
  const fold = (s: string): string => (path ? s.toLowerCase() : s);
  const tokens = tokenize(path ? glob.toLowerCase() : glob, path);
  const accepts = (token: Token, ch: string): boolean => {
    switch (token.kind) {
      case 'char':
        return token.ch === ch;
      case 'one':
        return !path || ch !== '/';
      case 'star':
        return token.crossesFolders || ch !== '/';
      case 'class': {
        const member = token.chars.has(ch) || token.ranges.some(([from, to]) => ch >= from && ch <= to);
        return member !== token.negated;
      }
    }
  };
  /** Adds a position and every position a star lets it skip to. */
  const add = (set: Uint8Array, at: number): void => {
    for (let i = at; i <= tokens.length && !set[i]; i++) {
      set[i] = 1;
      if (tokens[i]?.kind !== 'star') break;
    }
  };
  return {
    source: glob,
    test(value: string): boolean {
      let current = new Uint8Array(tokens.length + 1);
      let next = new Uint8Array(tokens.length + 1);
      add(current, 0);
      for (const raw of value) {
        const ch = fold(raw);
        next.fill(0);
        let any = false;
        for (let i = 0; i < tokens.length; i++) {
          const token = tokens[i] as Token;
          if (!current[i] || !accepts(token, ch)) continue;
          any = true;
          // A star stays where it is (it may take more) and may also end here.
          if (token.kind === 'star') add(next, i);
          else add(next, i + 1);
        }
        if (!any) return false;
        [current, next] = [next, current];
      }
      return current[tokens.length] === 1;
    },
  };
}
