import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  checkCrashId,
  checkProject,
  cursorOf,
  indexName,
  Measure,
  pageFromIndex,
  parseIndexName,
  type CrashPage,
  type CrashStorage,
  type StoredCrash,
} from './crash-storage';

/** Where arrivals are listed: an empty file `<receivedAt>_<sha256>` per crash. */
const INDEX = '.index';
/** Says the index holds every record, including those written before it existed. */
const INDEXED = '.complete';

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
  constructor(private readonly root: string) {
    this.description = `local disk ${root}`;
  }

  private dir(project: string): string {
    return join(this.root, checkProject(project));
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
    await mkdir(join(dir, INDEX), { recursive: true });
    await writeFile(join(dir, INDEX, indexName(crash)), '');
    const meta = join(dir, '.incoming', `${crashId}.json`);
    await writeFile(meta, JSON.stringify(crash), { mode: 0o600 });
    await rename(meta, join(dir, `${crashId}.json`));
    return { crash, created: true };
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
}
