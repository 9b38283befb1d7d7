import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkCrashId, checkProject, cursorOf, Measure, type CrashPage, type CrashStorage, type StoredCrash } from './crash-storage';

/**
 * Crashes on local disk: DATA/<project>/<sha256>.core and .json. Every file appears whole or not
 * at all (written aside, then renamed), so the directory is the only state and a killed
 * reporter loses nothing that it acknowledged. The same core uploaded twice is one crash.
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
    const dir = this.dir(project);
    const names = await readdir(dir).catch(() => [] as string[]);
    const crashes: StoredCrash[] = [];
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const crash = await this.get(project, name.slice(0, -5)).catch(() => null);
      if (crash) crashes.push(crash);
    }
    const page = crashes
      .filter((c) => after === null || cursorOf(c) > after)
      .sort((a, b) => (cursorOf(a) < cursorOf(b) ? -1 : 1))
      .slice(0, limit);
    const last = page.at(-1);
    return { crashes: page, cursor: last ? cursorOf(last) : after };
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
