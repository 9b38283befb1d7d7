import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bearer, REPORTER_HEADERS, REPORTER_PATHS } from '../shared/reporter-protocol';

/**
 * The capture agent's spool: cores the kernel hands to `crashwb upload`, kept on disk (fsync'd)
 * until the reporter has them, sent with retries, backoff and jitter, dropped past their age.
 */

const ATTEMPTS = 5;

export interface SpoolLimits {
  /** Free space the spool's disk must keep; a core that would eat into it is not spooled. */
  minFreeBytes: number;
  /** Spooled cores older than this are dropped unsent. */
  purgeAfterMs: number;
}

/** Drops spooled cores past their age, oldest first; returns how many. */
export async function purge(spool: string, limits: SpoolLimits): Promise<number> {
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

/** What the spool says as it works: a line for standard error. */
export type Warn = (line: string) => void;

/** Copies a core (the kernel's pipe) into the spool, hashing it, fsync'd before anything else is done. */
export async function spoolCore(
  input: Readable,
  spool: string,
  metadata: Record<string, string>,
  limits: SpoolLimits,
  warn: Warn,
): Promise<string | null> {
  await mkdir(spool, { recursive: true, mode: 0o700 });
  const fs = await statfs(spool);
  if (fs.bavail * fs.bsize < limits.minFreeBytes) {
    // The kernel waits for the handler to read the core; read it to the end and keep nothing.
    input.resume();
    await new Promise((resolve) => input.once('end', resolve));
    warn(`not spooled: less than ${limits.minFreeBytes} bytes free in ${spool}`);
    return null;
  }
  const name = `${Date.now()}-${process.pid}`;
  const partial = join(spool, `.${name}.core`);
  const hash = createHash('sha256');
  await pipeline(
    input,
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
export async function metadataDefaults(file: string | undefined): Promise<Record<string, string>> {
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
export async function addBuildId(spool: string, name: string, warn: Warn): Promise<void> {
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
    warn(`no build-id for ${name}: ${(error as Error).message}`);
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
export async function drain(spool: string, server: string, token: string, warn: Warn): Promise<{ sent: number; kept: number }> {
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
        warn(`${file}: attempt ${attempt}: ${e.cause?.code ?? e.message}`);
        if (e.permanent || attempt === ATTEMPTS) return { sent, kept: names.length - sent };
        const backoff = 200 * 2 ** (attempt - 1);
        await new Promise((r) => setTimeout(r, backoff / 2 + Math.random() * backoff));
      }
    }
  }
  return { sent, kept: names.length - sent };
}
