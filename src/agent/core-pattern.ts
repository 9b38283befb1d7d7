import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export const CORE_PATTERN = '/proc/sys/kernel/core_pattern';
/** The pattern that was there before ours, so it can be put back. */
export const SAVED_PATTERN = '/var/lib/crashwb/previous-core-pattern';
/** The longest line the kernel takes. */
const MAX_LINE = 127;

/** The core_pattern line that pipes cores to `crashwb upload`. */
export function handlerLine(cli: string, server: string, token: { token?: string; file?: string }, spool: string): string {
  // core_pattern is readable by every user: a token file keeps the token itself out of it.
  const auth = token.file ? `--token-file ${token.file}` : `--token ${token.token ?? ''}`;
  return `|${process.execPath} ${cli} upload --server ${server} ${auth} --spool ${spool} %p %e %t %s %h`;
}

/** The line for a capture configuration file, which holds the server, token, spool and what else to send. */
export function configHandlerLine(cli: string, config: string): string {
  return `|${process.execPath} ${cli} upload --config ${config} %p %e %t %s %h`;
}

/** Sets the line, keeping the pattern it replaces (unless that was ours) in `savedFile`. */
export async function installHandler(line: string, patternFile: string, savedFile: string): Promise<void> {
  if (line.length > MAX_LINE) {
    throw new Error(
      `the core_pattern line is ${line.length} characters; the kernel takes at most ${MAX_LINE} — use shorter paths (a symlink to crashwb, a short spool path)`,
    );
  }
  const previous = await readFile(patternFile, 'utf8');
  if (!previous.startsWith('|') || !previous.includes(' upload --server ')) {
    await mkdir(dirname(savedFile), { recursive: true });
    await writeFile(savedFile, previous);
  }
  await writeFile(patternFile, `${line}\n`).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === 'EACCES' ? `cannot write ${patternFile}: run it as root (sudo)` : `cannot write ${patternFile}: ${error.message}`,
    );
  });
}

/** Puts back the pattern `installHandler` kept; returns it. */
export async function uninstallHandler(patternFile: string, savedFile: string): Promise<string> {
  const previous = await readFile(savedFile, 'utf8').catch(() => {
    throw new Error(`nothing to restore: ${savedFile} does not exist (was the handler installed with --apply?)`);
  });
  await writeFile(patternFile, previous);
  await rm(savedFile, { force: true });
  return previous;
}
