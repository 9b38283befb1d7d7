import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './import-commands';

const CORE_PATTERN = '/proc/sys/kernel/core_pattern';
/** The pattern that was there before ours, so --uninstall can put it back. */
const SAVED = '/var/lib/crashwb/previous-core-pattern';

/** The core_pattern line that pipes cores to `crashwb upload`. */
export function handlerLine(cli: string, server: string, token: { token?: string; file?: string }, spool: string): string {
  // core_pattern is readable by every user: a token file keeps the token itself out of it.
  const auth = token.file ? `--token-file ${token.file}` : `--token ${token.token ?? ''}`;
  return `|${process.execPath} ${cli} upload --server ${server} ${auth} --spool ${spool} %p %e %t %s %h`;
}

/**
 * `crashwb install-handler --server URL --token T [--spool DIR] [--apply | --uninstall]`: prints the
 * core_pattern line; --apply (as root) sets it and keeps the previous pattern; --uninstall restores it.
 */
export async function installHandlerCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      spool: { type: 'string' },
      apply: { type: 'boolean' },
      uninstall: { type: 'boolean' },
      // Where the kernel's setting and the saved one live; tests point them at temporary files.
      'core-pattern-file': { type: 'string' },
      'saved-file': { type: 'string' },
    },
  });
  const patternFile = values['core-pattern-file'] ?? CORE_PATTERN;
  const savedFile = values['saved-file'] ?? SAVED;
  if (values.uninstall) {
    const previous = await readFile(savedFile, 'utf8').catch(() => {
      throw new Error(`nothing to restore: ${savedFile} does not exist (was the handler installed with --apply?)`);
    });
    await writeFile(patternFile, previous);
    await rm(savedFile, { force: true });
    process.stdout.write(`restored core_pattern: ${previous.trim()}\n`);
    return 0;
  }
  if (!values.server || !(values.token || values['token-file']))
    throw new UsageError('install-handler needs --server URL and --token T (or --token-file FILE, which keeps it out of core_pattern)');
  // The kernel runs the handler with no PATH and no working directory: every path is absolute.
  const cli = resolve(join(__dirname, '..', '..', 'bin', 'crashwb.cjs'));
  const token = values['token-file'] ? { file: resolve(values['token-file']) } : { token: values.token };
  const line = handlerLine(cli, values.server, token, resolve(values.spool ?? '/var/spool/crashwb'));
  if (!values.apply) {
    process.stdout.write(`${line}\n\nwrite it to ${CORE_PATTERN} (as root), or run again with --apply\n`);
    return 0;
  }
  if (line.length > 127) {
    throw new Error(
      `the core_pattern line is ${line.length} characters; the kernel takes at most 127 — use shorter paths (a symlink to crashwb, a short spool path)`,
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
  process.stdout.write(`core_pattern set; the previous one is kept in ${savedFile} for --uninstall\n`);
  return 0;
}
