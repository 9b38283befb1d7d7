import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { hostname, release } from 'node:os';
import { join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { bearer, REPORTER_HEADERS, REPORTER_PATHS } from '../shared/reporter-protocol';
import { UsageError } from './import-commands';

const ATTEMPTS = 5;

export interface SpoolLimits {
  /** Free space the spool's disk must keep; a core that would eat into it is not spooled. */
  minFreeBytes: number;
  /** Spooled cores older than this are dropped unsent. */
  purgeAfterMs: number;
}

/** Drops spooled cores past their age, oldest first; returns how many. */
async function purge(spool: string, limits: SpoolLimits): Promise<number> {
  let dropped = 0;
  for (const name of await readdir(spool).catch(() => [] as string[])) {
    const m = /^(\d+)-\d+\.core$/.exec(name);
    if (!m || Date.now() - Number(m[1]) <= limits.purgeAfterMs) continue;
    await rm(join(spool, name), { force: true });
    await rm(join(spool, name.replace(/\.core$/, '.json')), { force: true });
    dropped++;
  }
  return dropped;
}

/** Copies stdin into the spool, hashing it, fsync'd before anything else is done. */
async function spoolStdin(spool: string, metadata: Record<string, string>, limits: SpoolLimits): Promise<string | null> {
  await mkdir(spool, { recursive: true, mode: 0o700 });
  const fs = await statfs(spool);
  if (fs.bavail * fs.bsize < limits.minFreeBytes) {
    // The kernel waits for the handler to read the core; read it to the end and keep nothing.
    process.stdin.resume();
    await new Promise((resolve) => process.stdin.once('end', resolve));
    process.stderr.write(`crashwb upload: not spooled: less than ${limits.minFreeBytes} bytes free in ${spool}\n`);
    return null;
  }
  const name = `${Date.now()}-${process.pid}`;
  const partial = join(spool, `.${name}.core`);
  const hash = createHash('sha256');
  await pipeline(
    process.stdin,
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    }),
    createWriteStream(partial, { mode: 0o600 }),
  );
  const handle = await open(partial, 'r');
  await handle.sync();
  await handle.close();
  const sha256 = hash.digest('hex');
  await writeFile(join(spool, `${name}.json`), JSON.stringify({ ...metadata, sha256 }), { mode: 0o600 });
  await rename(partial, join(spool, `${name}.core`));
  return name;
}

/**
 * Metadata every upload from this machine carries: `CRASHWB_META_<KEY>=value` variables and a
 * file of `key=value` lines (--defaults), such as the environment, the service or the region.
 */
async function metadataDefaults(file: string | undefined): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    const m = /^CRASHWB_META_([A-Z0-9_]+)$/.exec(key);
    if (m?.[1] && value !== undefined) out[m[1].toLowerCase()] = value;
  }
  if (file) {
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      const m = /^\s*([a-z][a-z0-9_.-]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m?.[1]) out[m[1]] = m[2] ?? '';
    }
  }
  return out;
}

/** Adds the crashed executable's build-id, read from the spooled core's notes, to its metadata. */
async function addBuildId(spool: string, name: string): Promise<void> {
  try {
    const { readCore } = await import('../core/elf/core-file');
    const core = await readCore(join(spool, `${name}.core`));
    const exe = core.modules.find((m) => m.path === core.executablePath);
    if (!exe?.buildId) return;
    const metaPath = join(spool, `${name}.json`);
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, string>;
    await writeFile(metaPath, JSON.stringify({ ...meta, build_id: exe.buildId }), { mode: 0o600 });
  } catch (error) {
    // The core is spooled whatever its notes hold; the build-id is a courtesy to the reporter.
    process.stderr.write(`crashwb upload: no build-id for ${name}: ${(error as Error).message}\n`);
  }
}

/** Sends one spooled core; true once the reporter has it (created now or before). */
async function send(server: string, token: string, core: string, meta: Record<string, string>): Promise<void> {
  const size = (await stat(core)).size;
  const response = await fetch(new URL(REPORTER_PATHS.crashes, server), {
    method: 'PUT',
    headers: {
      Authorization: bearer(token),
      'Content-Length': String(size),
      [REPORTER_HEADERS.sha256]: meta.sha256 ?? '',
      [REPORTER_HEADERS.metadata]: Buffer.from(JSON.stringify(meta)).toString('base64url'),
    },
    body: createReadStream(core) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
  if (response.status >= 200 && response.status < 300) return;
  const text = await response.text();
  const error = new Error(`the reporter answered ${response.status}: ${text.slice(0, 300)}`);
  (error as Error & { permanent?: boolean }).permanent = response.status === 401 || response.status === 403 || response.status === 413;
  throw error;
}

/** Uploads everything in the spool, oldest first, with retries, backoff and jitter; what fails stays. */
async function drain(spool: string, server: string, token: string): Promise<{ sent: number; kept: number }> {
  const names = (await readdir(spool).catch(() => [] as string[])).filter((n) => /^\d+-\d+\.core$/.test(n)).sort();
  let sent = 0;
  for (const file of names) {
    const base = file.slice(0, -5);
    const meta = JSON.parse(await readFile(join(spool, `${base}.json`), 'utf8')) as Record<string, string>;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await send(server, token, join(spool, file), meta);
        await rm(join(spool, file), { force: true });
        await rm(join(spool, `${base}.json`), { force: true });
        sent++;
        break;
      } catch (error) {
        const e = error as Error & { permanent?: boolean; cause?: { code?: string } };
        process.stderr.write(`crashwb upload: ${file}: attempt ${attempt}: ${e.cause?.code ?? e.message}\n`);
        if (e.permanent || attempt === ATTEMPTS) return { sent, kept: names.length - sent };
        const backoff = 200 * 2 ** (attempt - 1);
        await new Promise((r) => setTimeout(r, backoff / 2 + Math.random() * backoff));
      }
    }
  }
  return { sent, kept: names.length - sent };
}

const SPOOL_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  spool: { type: 'string' },
  'min-free-mb': { type: 'string' },
  'purge-days': { type: 'string' },
} as const;

interface SpoolSettings {
  server: string;
  token: string;
  spool: string;
  limits: SpoolLimits;
}

/** The token from --token, or from --token-file, which keeps it out of `ps` and core_pattern. */
async function tokenOf(values: { token?: string; 'token-file'?: string }, command: string): Promise<string> {
  if (values.token) return values.token;
  if (!values['token-file']) throw new UsageError(`${command} needs --server URL and --token T (or --token-file FILE)`);
  const token = (
    await readFile(values['token-file'], 'utf8').catch((error: Error) => {
      throw new UsageError(`cannot read the token file ${values['token-file']}: ${error.message}`);
    })
  ).trim();
  if (!token) throw new UsageError(`the token file ${values['token-file']} is empty`);
  return token;
}

/** What `upload` and `agent` both take: where to send, the spool and its limits. */
async function spoolSettings(values: { [K in keyof typeof SPOOL_OPTIONS]?: string }, command: string): Promise<SpoolSettings> {
  const limits: SpoolLimits = {
    minFreeBytes: Number(values['min-free-mb'] ?? 1024) * 1024 * 1024,
    purgeAfterMs: Number(values['purge-days'] ?? 7) * 86_400_000,
  };
  if (!Number.isFinite(limits.minFreeBytes) || !Number.isFinite(limits.purgeAfterMs))
    throw new UsageError('--min-free-mb and --purge-days take numbers');
  if (!values.server) throw new UsageError(`${command} needs --server URL and --token T (or --token-file FILE)`);
  return { server: values.server, token: await tokenOf(values, command), spool: resolve(values.spool ?? '/var/spool/crashwb'), limits };
}

/** Purges what is past its age, then sends the rest. */
async function purgeAndDrain(settings: SpoolSettings): Promise<{ sent: number; kept: number }> {
  const purged = await purge(settings.spool, settings.limits);
  if (purged)
    process.stderr.write(
      `crashwb: dropped ${purged} cores older than ${settings.limits.purgeAfterMs / 86_400_000} days from ${settings.spool}\n`,
    );
  return drain(settings.spool, settings.server, settings.token);
}

/**
 * `crashwb upload --server URL --token T [--spool DIR] PID EXE TIME SIGNAL HOST` as a kernel
 * core_pattern pipe handler (core on stdin), or `--drain` to send what the spool kept.
 */
export async function uploadCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...SPOOL_OPTIONS, drain: { type: 'boolean' }, defaults: { type: 'string' } },
  });
  const settings = await spoolSettings(values, 'upload');
  if (!values.drain) {
    const [pid = '', exe = '', time = '', signal = '', host = hostname()] = positionals;
    const name = await spoolStdin(
      settings.spool,
      { ...(await metadataDefaults(values.defaults)), pid, executable: exe, timestamp: time, signal, hostname: host, uname: release() },
      settings.limits,
    );
    if (name) await addBuildId(settings.spool, name);
  }
  const { sent, kept } = await purgeAndDrain(settings);
  process.stdout.write(`sent ${sent}, kept in ${settings.spool}: ${kept}\n`);
  return kept > 0 ? 1 : 0;
}

/**
 * `crashwb agent --server URL (--token T | --token-file FILE) [--spool DIR] [--interval-s N]`: a small resident loop
 * that sends what the pipe handler had to keep (the reporter was down, the network was out),
 * every N seconds, until SIGTERM or SIGINT. A round that fails waits longer, up to 16 intervals.
 */
export async function agentCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...SPOOL_OPTIONS, 'interval-s': { type: 'string' } } });
  const settings = await spoolSettings(values, 'agent');
  const interval = Number(values['interval-s'] ?? 60) * 1000;
  if (!(interval > 0)) throw new UsageError('--interval-s takes a positive number of seconds');
  const log = (entry: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  let stopping = false;
  let wake: () => void = () => undefined;
  const stop = (): void => {
    stopping = true;
    wake();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  log({ event: 'started', spool: settings.spool, server: settings.server, intervalS: interval / 1000 });
  let failures = 0;
  while (!stopping) {
    try {
      const { sent, kept } = await purgeAndDrain(settings);
      if (sent || kept) log({ event: 'drained', sent, kept });
      failures = kept > 0 ? failures + 1 : 0;
    } catch (error) {
      failures++;
      log({ event: 'error', message: (error as Error).message });
    }
    const wait = interval * Math.min(16, 2 ** Math.max(0, failures - 1));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  log({ event: 'stopped' });
  return 0;
}
