import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { attachmentsOf, cursorOf, type CrashPage, type StoredCrash } from '../shared/reporter-protocol';
import type { Attachment } from '../shared/model';
import {
  checkCrashId,
  checkProject,
  settleWithTwin,
  IN_FLIGHT_MS,
  indexName,
  pageFromIndex,
  parseIndexName,
  type CrashStorage,
} from './crash-storage';
import { Damaged, Measure, StorageFull } from './storage-errors';
import { claimOwner, ownerGone } from './claim-owner';
import { LocalSymbols, type SymbolStorage } from './symbol-storage';

/** Where arrivals are listed: an empty file `<receivedAt>_<sha256>` per crash. */
const INDEX = '.index';
/** Says the index holds every record, including those written before it existed. */
const INDEXED = '.complete';
/** One empty file per crash whose record a put has taken the right to write. */
const CLAIMS = '.claims';
/** A partial upload untouched this long belongs to no live upload: a slow client is cut off long before. */
const LEFTOVER_AGE_MS = 60 * 60_000;
const SWEEP_EVERY_MS = 60 * 60_000;

/** A full disk says so, with what to do, instead of a bare ENOSPC. */
function full(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StorageFull(
      "the reporter's disk is full: nothing of this upload was kept; free space on the data folder, then send it again",
    );
  }
  return error;
}

function absentAsNull(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Crashes on local disk: DATA/<project>/<sha256>.core and .json, and an index entry per arrival
 * (DATA/<project>/.index/<receivedAt>_<sha256>) so a listing reads only the records it returns.
 * Every file appears whole or not at all (written aside, then renamed), the index entry before
 * the record, so the directory is the only state and a killed reporter loses nothing that it
 * acknowledged. The same core uploaded twice is one crash.
 */
export class LocalStorage implements CrashStorage {
  readonly description: string;
  readonly symbols: SymbolStorage;
  private readonly swept = new Map<string, number>();
  constructor(private readonly root: string) {
    this.description = `local disk ${root}`;
    // A project's name cannot start with a dot, so no project's folder is the symbols'.
    this.symbols = new LocalSymbols(join(root, '.symbols'));
  }

  symbolsOf(project: string): SymbolStorage {
    // Not a build-id's folder (two hex digits), nor a source's.
    return new LocalSymbols(join(this.root, '.symbols', 'of-project', checkProject(project)));
  }

  private dir(project: string): string {
    return join(this.root, checkProject(project));
  }

  async put(
    project: string,
    body: Readable,
    metadata: Record<string, string>,
    limit: number,
    expectedSha256?: string,
  ): Promise<{ crash: StoredCrash; created: boolean }> {
    const dir = this.dir(project);
    const partial = join(dir, '.incoming', randomUUID());
    const measure = new Measure(limit);
    try {
      await mkdir(join(dir, '.incoming'), { recursive: true });
      await this.sweepIncoming(dir);
      // Piped, not pipelined from the body: a refusal (full disk, too large) must leave the
      // request open so that it can be answered; the body's own failure still ends the write.
      const brokeOff = () => new Error('the upload broke off before its end');
      // A body that ended badly while the folder was made would never say so again.
      if (body.destroyed && !body.readableEnded) throw brokeOff();
      body.once('error', (error) => measure.destroy(error));
      body.once('close', () => body.readableEnded || measure.destroy(brokeOff()));
      body.pipe(measure);
      await pipeline(measure, createWriteStream(partial, { mode: 0o600 }));
    } catch (error) {
      await rm(partial, { force: true });
      throw full(error);
    }
    const crashId = measure.hash.digest('hex');
    const crash: StoredCrash = { crashId, project, size: measure.bytes, receivedAt: new Date().toISOString(), metadata };
    let claimed = false;
    try {
      if (expectedSha256 !== undefined && expectedSha256 !== crashId) throw new Damaged(crashId, expectedSha256);
      return await settleWithTwin(crashId, async () => {
        const existing = await this.get(project, crashId);
        if (existing) return { crash: existing, created: false };
        if (!(await this.claim(dir, crashId))) return null;
        claimed = true;
        await rename(partial, join(dir, `${crashId}.core`));
        await mkdir(join(dir, INDEX), { recursive: true });
        await writeFile(join(dir, INDEX, indexName(crash)), '');
        const meta = join(dir, '.incoming', `${crashId}.json`);
        await writeFile(meta, JSON.stringify(crash), { mode: 0o600 });
        await rename(meta, join(dir, `${crashId}.json`));
        return { crash, created: true };
      });
    } catch (error) {
      // Released, so that the uploader's retry is not told to wait for a put that failed.
      if (claimed) await rm(join(dir, CLAIMS, crashId), { force: true });
      throw full(error);
    } finally {
      await rm(partial, { force: true });
    }
  }

  /**
   * Takes the right to write a crash's record: DIR/.claims/<sha256>, made only if absent, naming
   * its holder. A claim whose holder is gone (a reporter killed between claim and record), or
   * older than a put can take, is taken over; of several takers-over, the one whose rename moves
   * the old claim aside goes on to make its own.
   */
  private async claim(dir: string, crashId: string): Promise<boolean> {
    const path = join(dir, CLAIMS, crashId);
    await mkdir(join(dir, CLAIMS), { recursive: true });
    const create = () =>
      writeFile(path, JSON.stringify(claimOwner()), { flag: 'wx', mode: 0o600 }).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'EEXIST') return false;
          throw error;
        },
      );
    if (await create()) return true;
    // A claim that vanished between the tries was released: the next round claims afresh.
    const held = await readFile(path, 'utf8').catch(absentAsNull);
    const info = await stat(path).catch(absentAsNull);
    if (held === null || info === null) return false;
    if (!ownerGone(held) && Date.now() - info.mtimeMs < IN_FLIGHT_MS) return false;
    const aside = join(dir, CLAIMS, `.${crashId}.${randomUUID()}`);
    const movedAside = await rename(path, aside).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    if (!movedAside) return false;
    await rm(aside, { force: true });
    return create();
  }

  /** Removes what killed reporters left half-written in .incoming, once an hour at most. */
  private async sweepIncoming(dir: string): Promise<void> {
    const now = Date.now();
    if (now - (this.swept.get(dir) ?? 0) < SWEEP_EVERY_MS) return;
    this.swept.set(dir, now);
    const incoming = join(dir, '.incoming');
    for (const name of await readdir(incoming)) {
      const path = join(incoming, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > LEFTOVER_AGE_MS) await rm(path, { force: true });
    }
  }

  async get(project: string, crashId: string): Promise<StoredCrash | null> {
    try {
      return JSON.parse(await readFile(join(this.dir(project), `${checkCrashId(crashId)}.json`), 'utf8')) as StoredCrash;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async list(project: string, after: string | null, limit: number): Promise<CrashPage> {
    const index = join(this.dir(project), INDEX);
    // A directory written before the index existed gets one from its records, once.
    if (!(await exists(join(index, INDEXED)))) await this.reindex(project);
    const entries = (await readdir(index))
      .flatMap((name) => parseIndexName(name) ?? [])
      .filter((entry) => after === null || cursorOf(entry) > after)
      .sort((a, b) => (cursorOf(a) < cursorOf(b) ? -1 : 1))
      .slice(0, limit);
    return pageFromIndex(entries, after, (crashId) => this.get(project, crashId).catch(() => null));
  }

  private async reindex(project: string): Promise<void> {
    const dir = this.dir(project);
    await mkdir(join(dir, INDEX), { recursive: true });
    for (const name of await readdir(dir)) {
      if (!name.endsWith('.json')) continue;
      const crash = await this.get(project, name.slice(0, -5)).catch(() => null);
      if (crash) await writeFile(join(dir, INDEX, indexName(crash)), '');
    }
    await writeFile(join(dir, INDEX, INDEXED), '');
  }

  async open(project: string, crashId: string): Promise<{ stream: Readable; size: number } | null> {
    if (!(await this.get(project, crashId))) return null;
    const path = join(this.dir(project), `${crashId}.core`);
    const { size } = await stat(path);
    return { stream: createReadStream(path), size };
  }

  async setMetadata(project: string, crashId: string, metadata: Record<string, string>): Promise<void> {
    const crash = await this.get(project, crashId);
    if (!crash) return;
    const dir = this.dir(project);
    const temp = join(dir, '.incoming', `${crashId}.meta.json`);
    await writeFile(temp, JSON.stringify({ ...crash, metadata }), { mode: 0o600 });
    await rename(temp, join(dir, `${crashId}.json`));
  }

  async setAttachments(project: string, crashId: string, attachments: Attachment[]): Promise<void> {
    const dir = this.dir(project);
    const temp = join(dir, '.incoming', `${checkCrashId(crashId)}.attachments.json`);
    await writeFile(temp, JSON.stringify(attachments), { mode: 0o600 }).catch((error: unknown) => {
      throw full(error);
    });
    await rename(temp, join(dir, `${crashId}.attachments.json`));
  }

  async attachments(project: string, crashId: string): Promise<Attachment[] | null> {
    try {
      return attachmentsOf(JSON.parse(await readFile(join(this.dir(project), `${checkCrashId(crashId)}.attachments.json`), 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async firstOfFingerprint(project: string, fingerprint: string, crashId: string): Promise<string> {
    if (!/^[0-9a-f]{16,128}$/.test(fingerprint)) throw new Error('bad fingerprint');
    const dir = join(this.dir(project), '.fingerprints');
    await mkdir(dir, { recursive: true });
    const path = join(dir, fingerprint);
    try {
      await writeFile(path, checkCrashId(crashId), { flag: 'wx' });
      return crashId;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw full(error);
      return (await readFile(path, 'utf8')).trim();
    }
  }
}
