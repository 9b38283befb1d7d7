import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const CRASH_ID = /^[0-9a-f]{64}$/;

/** What the reporter keeps about each crash, beside its bytes. */
export interface StoredCrash {
  crashId: string;
  project: string;
  size: number;
  receivedAt: string;
  /** Metadata as the uploader sent it: strings only, bounded. */
  metadata: Record<string, string>;
}

export class TooLarge extends Error {}

/** Hashes and counts what passes, and stops past the size limit. */
class Measure extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      done(new TooLarge(`the upload is larger than the limit of ${this.limit} bytes`));
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }
}

/**
 * Crashes on local disk: DATA/<project>/<sha256>.core and .json. Every file appears whole or not
 * at all (written aside, then renamed), so the directory is the only state and a killed
 * reporter loses nothing that it acknowledged. The same core uploaded twice is one crash.
 */
export class LocalStorage {
  constructor(private readonly root: string) {}

  private dir(project: string): string {
    if (!PROJECT_NAME.test(project)) throw new Error(`bad project name ${JSON.stringify(project)}`);
    return join(this.root, project);
  }

  async put(
    project: string,
    body: Readable,
    metadata: Record<string, string>,
    limit: number,
  ): Promise<{ crash: StoredCrash; created: boolean }> {
    const dir = this.dir(project);
    await mkdir(join(dir, '.incoming'), { recursive: true });
    const partial = join(dir, '.incoming', randomUUID());
    const measure = new Measure(limit);
    try {
      await pipeline(body, measure, createWriteStream(partial, { mode: 0o600 }));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    const crashId = measure.hash.digest('hex');
    const core = join(dir, `${crashId}.core`);
    const existing = await this.get(project, crashId);
    if (existing) {
      await rm(partial, { force: true });
      return { crash: existing, created: false };
    }
    await rename(partial, core);
    const crash: StoredCrash = { crashId, project, size: measure.bytes, receivedAt: new Date().toISOString(), metadata };
    const meta = join(dir, '.incoming', `${crashId}.json`);
    await writeFile(meta, JSON.stringify(crash), { mode: 0o600 });
    await rename(meta, join(dir, `${crashId}.json`));
    return { crash, created: true };
  }

  async get(project: string, crashId: string): Promise<StoredCrash | null> {
    if (!CRASH_ID.test(crashId)) throw new Error('bad crash id');
    try {
      return JSON.parse(await readFile(join(this.dir(project), `${crashId}.json`), 'utf8')) as StoredCrash;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Crashes received after the cursor (receivedAt|crashId), oldest first. */
  async list(project: string, after: string | null, limit: number): Promise<{ crashes: StoredCrash[]; cursor: string | null }> {
    const dir = this.dir(project);
    const names = await readdir(dir).catch(() => [] as string[]);
    const crashes: StoredCrash[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const crash = await this.get(project, name.slice(0, -5)).catch(() => null);
      if (crash) crashes.push(crash);
    }
    const key = (c: StoredCrash) => `${c.receivedAt}|${c.crashId}`;
    const page = crashes
      .filter((c) => after === null || key(c) > after)
      .sort((a, b) => (key(a) < key(b) ? -1 : 1))
      .slice(0, limit);
    const last = page.at(-1);
    return { crashes: page, cursor: last ? key(last) : after };
  }

  async open(project: string, crashId: string): Promise<{ stream: Readable; size: number } | null> {
    if (!(await this.get(project, crashId))) return null;
    const path = join(this.dir(project), `${crashId}.core`);
    const { size } = await stat(path);
    return { stream: createReadStream(path), size };
  }

  /** Sets the metadata of a crash that came by a form whose fields arrived around its file. */
  async setMetadata(project: string, crashId: string, metadata: Record<string, string>): Promise<void> {
    const crash = await this.get(project, crashId);
    if (!crash) return;
    const dir = this.dir(project);
    const temp = join(dir, '.incoming', `${crashId}.meta.json`);
    await writeFile(temp, JSON.stringify({ ...crash, metadata }), { mode: 0o600 });
    await rename(temp, join(dir, `${crashId}.json`));
  }
}
