/**
 * What the crashed process's runtime wrote that its core lacks, gathered on its host while the
 * process is still being dumped (its /proc entry stays until the handler has read the core): the
 * Node.js diagnostic reports it wrote in its working folder (`--report-uncaught-exception`,
 * `--report-on-fatalerror`), and, for a systemd service, the unit's last lines in the journal,
 * where a Go panic, faulthandler's Python stack and Node's uncaught exception were printed.
 */

import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Attachment } from '../shared/model';

const run = promisify(execFile);

/** A report carries the heap's spaces and every environment variable: a few hundred KiB. */
const MAX_REPORT_BYTES = 4 * 1024 * 1024;
const MAX_REPORTS = 3;
const JOURNAL_LINES = 300;
const JOURNAL_TIMEOUT_MS = 5_000;
/** A unit name as systemd spells it: nothing that reaches journalctl's option parser. */
const UNIT = /^[A-Za-z0-9:_.\\@-]+\.service$/;

export interface RuntimeOutputOptions {
  /** Where /proc is (a test's copy). */
  procRoot?: string;
  /** The journalctl to run, or null for none. */
  journalctl?: string | null;
}

/** The systemd service a process ran in, from its cgroup ("0::/system.slice/shop.service"); null outside one. */
export function serviceOf(cgroup: string): string | null {
  for (const line of cgroup.split('\n')) {
    const path = line.slice(line.lastIndexOf(':') + 1);
    const unit = path.split('/').find((part) => part.endsWith('.service'));
    if (unit && UNIT.test(unit)) return unit;
  }
  return null;
}

/** Reads a folder's names; one that is gone (the process ended, no such folder) has none, anything else is said. */
async function namesIn(dir: string, warn: (line: string) => void): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`no Node.js reports read from ${dir}: ${(error as Error).message}`);
    return [];
  }
}

async function nodeReports(proc: string, pid: number, warn: (line: string) => void): Promise<Attachment[]> {
  const cwd = join(proc, String(pid), 'cwd');
  const named = new RegExp(`^report\\.\\d{8}\\.\\d{6}\\.${pid}\\.\\d+\\.\\d+\\.json$`);
  const names = (await namesIn(cwd, warn))
    .filter((n) => named.test(n))
    .sort()
    .slice(-MAX_REPORTS);
  const out: Attachment[] = [];
  for (const name of names) {
    const file = join(cwd, name);
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_REPORT_BYTES) continue;
    out.push({ name, text: await readFile(file, 'utf8') });
  }
  return out;
}

async function journal(proc: string, pid: number, journalctl: string): Promise<Attachment[]> {
  const cgroup = await readFile(join(proc, String(pid), 'cgroup'), 'utf8').catch(() => '');
  const unit = serviceOf(cgroup);
  if (!unit) return [];
  const { stdout } = await run(journalctl, ['--no-pager', '-o', 'cat', '-n', String(JOURNAL_LINES), '-u', unit], {
    timeout: JOURNAL_TIMEOUT_MS,
    maxBuffer: 8 * 1024 * 1024,
  });
  return stdout.trim() ? [{ name: `journal of ${unit}`, text: stdout }] : [];
}

/**
 * The runtime's own words on a crash of `pid`, each an attachment; what cannot be read is left out
 * and said through `warn` (a journal that cannot be asked must not stop the core from going).
 */
export async function runtimeOutputOf(
  pid: number,
  warn: (line: string) => void,
  options: RuntimeOutputOptions = {},
): Promise<Attachment[]> {
  if (!Number.isInteger(pid) || pid <= 0) return [];
  const proc = options.procRoot ?? '/proc';
  const journalctl = options.journalctl === undefined ? 'journalctl' : options.journalctl;
  const found: Attachment[] = [];
  try {
    found.push(...(await nodeReports(proc, pid, warn)));
  } catch (error) {
    warn(`no Node.js reports for process ${pid}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (journalctl) {
    try {
      found.push(...(await journal(proc, pid, journalctl)));
    } catch (error) {
      warn(`no journal lines for process ${pid}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return found;
}
