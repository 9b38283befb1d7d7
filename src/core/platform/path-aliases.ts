import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/**
 * Bytes that mean the same thing to gdb's and lldb's command parsers as to the file system.
 * Everything else (newlines, quotes, backticks, `:` which splits gdb's directory lists, spaces,
 * non-ASCII) could change what a command does when a path is written into it.
 */
const PLAIN_PATH = /^\/[A-Za-z0-9_./+,@%=-]*$/;
/** Control characters cannot be put into a debugger's command line at all. */
// eslint-disable-next-line no-control-regex -- finding them is the point
const CONTROL = /[\x00-\x1f\x7f]/;

export function isPlainPath(path: string): boolean {
  return PLAIN_PATH.test(path);
}

/** The temporary folder, or /tmp when TMPDIR names one whose path would not be plain. */
export function plainTmpdir(): string {
  return isPlainPath(tmpdir()) ? tmpdir() : '/tmp';
}

export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

/**
 * File names chosen by whoever wrote a crash (a core named `a.dmp⏎platform shell …`, a folder
 * with a quote in it) must never become debugger commands. A path that is not plain is handed
 * to the debugger as a symbolic link with a plain name, in a private folder made for it; the
 * debugger reads the same file, and no byte of the original name reaches its command parser.
 */
export class PathAliases {
  private dir: string | null = null;
  private count = 0;

  /** A path with the same file behind it whose text is safe in any debugger command. */
  alias(path: string): string {
    const absolute = resolve(path);
    if (isPlainPath(absolute)) return absolute;
    const name = `${this.count++}-${
      basename(absolute)
        .replace(/[^A-Za-z0-9_.+-]/g, '_')
        .slice(0, 100) || 'file'
    }`;
    const link = join(this.folder(), name);
    symlinkSync(absolute, link);
    return link;
  }

  dispose(): void {
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  private folder(): string {
    if (this.dir) return this.dir;
    this.dir = mkdtempSync(join(plainTmpdir(), 'crashwb-paths-'));
    return this.dir;
  }
}

/**
 * Quotes text for lldb's command parser. Inside double quotes lldb takes `\`, `"` and a backtick
 * (which would otherwise start an expression) literally only when escaped; `$` must stay as it is.
 * Control characters end or split a command, so they are refused.
 */
export function lldbQuote(text: string, what: string): string {
  if (hasControlCharacters(text)) throw new UnsafeCommandText(what, text);
  return `"${text.replace(/[\\"`]/g, '\\$&')}"`;
}

/** Quotes text for gdb's argument splitting (`set substitute-path "from" "to"`). */
export function gdbQuote(text: string, what: string): string {
  if (hasControlCharacters(text)) throw new UnsafeCommandText(what, text);
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

export class UnsafeCommandText extends Error {
  constructor(what: string, text: string) {
    super(
      `${what} ${JSON.stringify(text)} holds a control character (a newline or tab, say) that cannot be passed to a debugger safely; rename it, or leave it out`,
    );
    this.name = 'UnsafeCommandText';
  }
}
