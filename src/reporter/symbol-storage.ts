import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inspectElfFile } from '../core/elf/elf-file';
import { BUILD_ID, type BreakpadRef, type SymbolKind } from '../shared/reporter-protocol';
import { debugFileBase, moduleLineOf, MODULE_LINE_BYTES } from '../core/symbols/breakpad-fetch';
import { withFile } from '../core/platform/bounded-file';
import { Measure, StorageFull } from './storage-errors';

/**
 * What the store keeps under a key: a build's ELF files by build-id, or a Breakpad symbol file
 * under the key its debug file and id make (`breakpadKey`).
 */
export type StoredKind = SymbolKind | 'breakpad';

/** What a project may own of a key: each kind of file, and the map of its sources. */
export type SymbolPart = StoredKind | 'sources';

/**
 * Where a reporter keeps executables, libraries and debug files, by build-id, beside the crashes.
 * A build-id is any bytes a linker or a hostile uploader wrote, so the shared copy of each part
 * records the project that sent it first (`claim`); see `project-symbols.ts` for who reads what.
 */
export interface SymbolStorage {
  /** The project that owns the shared copy of a part, or null (none yet, or sent before owners were kept). */
  ownerOf(buildId: string, part: SymbolPart): Promise<string | null>;
  /** Makes `project` the owner unless another already is (or, with `replace`, in any case); returns the owner. */
  claim(buildId: string, part: SymbolPart, project: string, replace?: boolean): Promise<string>;
  has(buildId: string, kind: StoredKind): Promise<boolean>;
  /** Keeps a checked file as each of the kinds it serves as. */
  put(buildId: string, kinds: StoredKind[], file: string): Promise<void>;
  open(buildId: string, kind: StoredKind): Promise<{ stream: Readable; size: number } | null>;
  /** Source files, by the sha256 of their bytes (one copy however many builds use it). */
  hasSource(sha256: string): Promise<boolean>;
  putSource(sha256: string, file: string): Promise<void>;
  openSource(sha256: string): Promise<{ stream: Readable; size: number } | null>;
  /** Per build, its source paths (as its debug info names them) and their contents' sha256. */
  sourceIndex(buildId: string): Promise<Record<string, string>>;
  setSourceIndex(buildId: string, index: Record<string, string>): Promise<void>;
}

export const SHA256 = /^[0-9a-f]{64}$/;

export function checkSha256(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error('bad sha256');
  return sha256;
}

export function checkBuildId(buildId: string): string {
  if (!BUILD_ID.test(buildId)) throw new Error('bad build-id');
  return buildId;
}

/** Why an uploaded file is refused: said to the uploader as a 400. */
export class BadSymbolFile extends Error {}

/**
 * Takes an upload into a temporary file and checks it is what it claims: an ELF file with that
 * build-id, with debug info when sent as debug info, with code when sent as the executable.
 * Returns the file and every kind it can be served as (an unstripped binary is both).
 */
export async function receiveSymbolFile(
  body: Readable,
  buildId: string,
  kind: SymbolKind,
  limit: number,
): Promise<{ file: string; kinds: SymbolKind[]; dispose(): Promise<void> }> {
  return receiveAside(body, limit, async (file) => {
    const facts = await inspectElfFile(file).catch((error: Error) => {
      throw new BadSymbolFile(`not an ELF file: ${error.message}`);
    });
    if (facts.buildId !== buildId) {
      throw new BadSymbolFile(
        `the file's build-id is ${facts.buildId ?? 'missing'}, not ${buildId}; send each file under its own build-id`,
      );
    }
    if (kind === 'debuginfo' && !facts.hasDebugInfo) throw new BadSymbolFile(`the file has no debug info; send it as the executable`);
    if (kind === 'executable' && !facts.hasCode)
      throw new BadSymbolFile(`the file is a separate debug file with no code; send it as debuginfo`);
    return { kinds: kind === 'executable' && facts.hasDebugInfo ? (['executable', 'debuginfo'] as SymbolKind[]) : [kind] };
  });
}

/** The store's key of a Breakpad symbol file: its debug file and id hashed into one name of the build-id form. */
export function breakpadKey(ref: BreakpadRef): string {
  return createHash('sha256').update(`${ref.debugFile}\n${ref.debugId}`).digest('hex');
}

/**
 * Takes a Breakpad `.sym` upload into a temporary file and checks that its MODULE line names the
 * debug file and id it is sent under: a store keyed by them must serve nothing else there.
 */
export async function receiveBreakpadFile(
  body: Readable,
  ref: BreakpadRef,
  limit: number,
): Promise<{ file: string; dispose(): Promise<void> }> {
  return receiveAside(body, limit, async (file) => {
    const line = moduleLineOf(await withFile(file, (f) => f.read(0, MODULE_LINE_BYTES)));
    if (!line) throw new BadSymbolFile('not a Breakpad symbol file: it does not start with MODULE OS ARCH ID NAME');
    if (line.id.toUpperCase() !== ref.debugId)
      throw new BadSymbolFile(`its MODULE line's debug id is ${line.id}, not ${ref.debugId}; send each file under its own id`);
    if (debugFileBase(line.name) !== ref.debugFile)
      throw new BadSymbolFile(`its MODULE line names ${line.name}, not ${ref.debugFile}; send each file under its own debug file`);
    return {};
  });
}

/** Takes an upload into a temporary file, kept only when its bytes hash to `sha256`. */
export function receiveChecked(body: Readable, sha256: string, limit: number): Promise<{ file: string; dispose(): Promise<void> }> {
  return receiveAside(body, limit, async (_file, actual) => {
    if (actual !== sha256) throw new BadSymbolFile(`the bytes hash to ${actual}, not ${sha256}: the upload was damaged; send it again`);
    return {};
  });
}

/** Streams an upload into a private temporary file (bounded, hashed) and keeps it only if `check` accepts it. */
async function receiveAside<T extends object>(
  body: Readable,
  limit: number,
  check: (file: string, sha256: string) => Promise<T>,
): Promise<T & { file: string; dispose(): Promise<void> }> {
  const file = join(tmpdir(), `crashwb-upload-${randomUUID()}`);
  const dispose = () => rm(file, { force: true });
  const measure = new Measure(limit);
  try {
    await pipeline(body, measure, createWriteStream(file, { mode: 0o600 }));
    return { ...(await check(file, measure.hash.digest('hex'))), file, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Symbols on local disk: DATA/.symbols/<ab>/<cdef…>/<kind>, each file whole or absent. */
export class LocalSymbols implements SymbolStorage {
  constructor(private readonly root: string) {}

  private path(buildId: string, kind: StoredKind): string {
    checkBuildId(buildId);
    return join(this.root, buildId.slice(0, 2), buildId.slice(2), kind);
  }

  private ownerPath(buildId: string, part: SymbolPart): string {
    checkBuildId(buildId);
    return join(this.root, buildId.slice(0, 2), buildId.slice(2), `${part}.owner`);
  }

  async ownerOf(buildId: string, part: SymbolPart): Promise<string | null> {
    try {
      return (await readFile(this.ownerPath(buildId, part), 'utf8')).trim() || null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async claim(buildId: string, part: SymbolPart, project: string, replace = false): Promise<string> {
    const path = this.ownerPath(buildId, part);
    await mkdir(dirname(path), { recursive: true });
    if (replace) {
      await this.placeAside(path, (aside) => writeFile(aside, project));
      return project;
    }
    try {
      // Made only if absent: of two projects sending the same build-id at once, one owns it.
      await writeFile(path, project, { flag: 'wx' });
      return project;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return (await this.ownerOf(buildId, part)) ?? project;
    }
  }

  async has(buildId: string, kind: StoredKind): Promise<boolean> {
    return stat(this.path(buildId, kind)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async put(buildId: string, kinds: StoredKind[], file: string): Promise<void> {
    const dir = join(this.root, buildId.slice(0, 2), buildId.slice(2));
    const aside = join(dir, `.incoming-${randomUUID()}`);
    try {
      await mkdir(dir, { recursive: true });
      await pipeline(createReadStream(file), createWriteStream(aside));
      for (const kind of kinds) {
        const target = this.path(buildId, kind);
        // One file on disk for both kinds of an unstripped binary.
        const twin = `${aside}-${kind}`;
        await link(aside, twin);
        await rename(twin, target);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new StorageFull(
          "the reporter's disk is full: the symbol file was not kept; free space on the data folder, then send it again",
        );
      }
      throw error;
    } finally {
      await rm(aside, { force: true });
    }
  }

  async open(buildId: string, kind: StoredKind): Promise<{ stream: Readable; size: number } | null> {
    const path = this.path(buildId, kind);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    return { stream: createReadStream(path), size: info.size };
  }

  private sourcePath(sha256: string): string {
    checkSha256(sha256);
    return join(this.root, 'sources', sha256.slice(0, 2), sha256.slice(2));
  }

  private indexPath(buildId: string): string {
    checkBuildId(buildId);
    return join(this.root, buildId.slice(0, 2), buildId.slice(2), 'sources.json');
  }

  async hasSource(sha256: string): Promise<boolean> {
    return stat(this.sourcePath(sha256)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async putSource(sha256: string, file: string): Promise<void> {
    await this.placeAside(this.sourcePath(sha256), (aside) => pipeline(createReadStream(file), createWriteStream(aside)));
  }

  async openSource(sha256: string): Promise<{ stream: Readable; size: number } | null> {
    const path = this.sourcePath(sha256);
    const info = await stat(path).catch(() => null);
    return info?.isFile() ? { stream: createReadStream(path), size: info.size } : null;
  }

  async sourceIndex(buildId: string): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(this.indexPath(buildId), 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  }

  async setSourceIndex(buildId: string, index: Record<string, string>): Promise<void> {
    await this.placeAside(this.indexPath(buildId), (aside) => writeFile(aside, JSON.stringify(index)));
  }

  /** Writes beside the target, then renames: a reader sees the whole file or none. */
  private async placeAside(target: string, write: (aside: string) => Promise<void>): Promise<void> {
    const aside = `${target}.incoming-${randomUUID()}`;
    try {
      await mkdir(dirname(target), { recursive: true });
      await write(aside);
      await rename(aside, target);
    } catch (error) {
      await rm(aside, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT') {
        throw new StorageFull("the reporter's disk is full: nothing was kept; free space on the data folder, then send it again");
      }
      throw error;
    }
  }
}
