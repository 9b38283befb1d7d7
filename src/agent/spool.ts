import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { bearer, crashAnswerOf, REPORTER_HEADERS, REPORTER_PATHS, type CrashAnswer, type ModuleFact } from '../shared/reporter-protocol';
import { coreGoes, type CapturePlan } from './capture-plan';

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
    for (const file of Object.values(spooled(spool, name.slice(0, -5)))) await rm(file, { force: true });
    dropped++;
  }
  return dropped;
}

/** What the spool says as it works: a line for standard error. */
/** The files kept beside a spooled core `<name>.core`. */
export const spooled = (spool: string, name: string) => ({
  core: join(spool, `${name}.core`),
  meta: join(spool, `${name}.json`),
  plan: join(spool, `${name}.plan.json`),
  snapshot: join(spool, `${name}.snapshot.json`),
  modules: join(spool, `${name}.modules.json`),
  /** What the runtime wrote beside the core (Node.js reports, the service's journal), gathered on the host. */
  attachments: join(spool, `${name}.attachments.json`),
});

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

/** Sends one file as a crash; the reporter's answer once it has it (created now or before). */
async function send(
  server: string,
  token: string,
  file: string,
  meta: Record<string, string>,
  sha256: string,
): Promise<Partial<CrashAnswer>> {
  const size = (await stat(file)).size;
  const response = await fetch(new URL(REPORTER_PATHS.crashes, server), {
    method: 'PUT',
    headers: {
      Authorization: bearer(token),
      'Content-Length': String(size),
      [REPORTER_HEADERS.sha256]: sha256,
      [REPORTER_HEADERS.metadata]: Buffer.from(JSON.stringify(meta)).toString('base64url'),
    },
    body: createReadStream(file) as unknown as BodyInit,
    duplex: 'half',
  } as RequestInit);
  const text = await response.text();
  if (response.status >= 200 && response.status < 300) {
    try {
      return crashAnswerOf(JSON.parse(text));
    } catch {
      // A stored crash whose answer is not JSON (a proxy's page): it was stored; nothing more is known.
      return {};
    }
  }
  const error = new Error(`the reporter answered ${response.status}: ${text.slice(0, 300)}`);
  (error as Error & { permanent?: boolean }).permanent = response.status === 401 || response.status === 403 || response.status === 413;
  throw error;
}

/**
 * Sends what the runtime wrote beside a core the reporter has now. A server error or a lost
 * connection keeps the crash in the spool for a retry; a refusal of these texts themselves
 * (too large, malformed) is said, and the crash, sent already, is not held back for them.
 */
async function sendAttachments(server: string, token: string, crashId: string, body: string, warn: Warn): Promise<void> {
  const response = await fetch(new URL(REPORTER_PATHS.attachments(crashId), server), {
    method: 'PUT',
    headers: { Authorization: bearer(token), 'Content-Type': 'application/json' },
    body,
  });
  if (response.ok) return;
  const said = `the reporter answered ${response.status} to the attachments of ${crashId}: ${(await response.text()).slice(0, 300)}`;
  if (response.status === 400 || response.status === 413) {
    warn(`${said}; the crash went without them`);
    return;
  }
  const error = new Error(said);
  (error as Error & { permanent?: boolean }).permanent = response.status === 401 || response.status === 403;
  throw error;
}

/** How the drain reaches the reporter: where, with which token for a crash's route, and what else to send. */
export interface DrainTarget {
  server: string;
  token(route: number | null): Promise<string>;
  /** Sends the programs and libraries of a crash that the reporter lacks (asking first). */
  sendLibraries?(token: string, modules: ModuleFact[]): Promise<void>;
}

/**
 * Sends one spooled crash by its plan: the snapshot first (the reporter says whether it wants the
 * core), the libraries it lacks when asked to, then the core unless the policy keeps it back.
 * A step already done (noted in the plan) is not done again after a retry.
 */
async function sendSpooled(spool: string, name: string, target: DrainTarget, warn: Warn): Promise<void> {
  const files = spooled(spool, name);
  const meta = JSON.parse(await readFile(files.meta, 'utf8')) as Record<string, string>;
  const plan = JSON.parse(
    await readFile(files.plan, 'utf8').catch(() => '{"core":{"kind":"always"},"uploadLibraries":false,"route":null}'),
  ) as CapturePlan;
  const token = await target.token(plan.route);
  const savePlan = () => writeFile(files.plan, JSON.stringify(plan), { mode: 0o600 });
  const snapshot = await stat(files.snapshot).then(
    () => true,
    () => false,
  );
  if (snapshot && plan.snapshotSha256) {
    const answer = await send(
      target.server,
      token,
      files.snapshot,
      { ...meta, kind: 'snapshot', core_sha256: meta.sha256 ?? '' },
      plan.snapshotSha256,
    );
    plan.wantsCore = answer.wants_core !== false;
    await savePlan();
    await rm(files.snapshot, { force: true });
  }
  if (plan.uploadLibraries && !plan.librariesSent && target.sendLibraries) {
    const modules = JSON.parse(await readFile(files.modules, 'utf8').catch(() => '[]')) as ModuleFact[];
    try {
      await target.sendLibraries(token, modules);
      plan.librariesSent = true;
      await savePlan();
    } catch (error) {
      // The crash goes anyway; its libraries are a courtesy that a later crash can bring.
      warn(`${name}: libraries not sent: ${(error as Error).message}`);
    }
  }
  const size = (await stat(files.core)).size;
  if (coreGoes(plan.core, size, plan.wantsCore !== undefined, plan.wantsCore ?? true)) {
    const answer = await send(target.server, token, files.core, meta, meta.sha256 ?? '');
    // A snapshot carried them already; a core alone gets them beside it.
    const attachments = await readFile(files.attachments, 'utf8').catch(() => null);
    if (attachments !== null && !plan.snapshotSha256)
      await sendAttachments(target.server, token, answer.crash_id ?? meta.sha256 ?? '', attachments, warn);
  } else warn(`${name}: the core stays on this host by the policy (${plan.core.kind}); the reporter has its snapshot`);
  for (const f of Object.values(files)) await rm(f, { force: true });
}

/** Uploads everything in the spool, oldest first, with retries, backoff and jitter; what fails stays. */
export async function drain(spool: string, target: DrainTarget, warn: Warn): Promise<{ sent: number; kept: number }> {
  const names = (await readdir(spool).catch(() => [] as string[])).filter((n) => /^\d+-\d+\.core$/.test(n)).sort();
  let sent = 0;
  for (const file of names) {
    const name = file.slice(0, -5);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await sendSpooled(spool, name, target, warn);
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
