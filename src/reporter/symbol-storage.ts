import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inspectElfFile } from '../core/elf/elf-file';
import { BUILD_ID, type SymbolKind } from '../shared/reporter-protocol';
import { Measure, StorageFull } from './crash-storage';

/**
 * Where a reporter keeps executables, libraries and debug files, by build-id: beside the crashes,
 * shared by all projects (a build-id names one build whoever sends it).
 */
export interface SymbolStorage {
  has(buildId: string, kind: SymbolKind): Promise<boolean>;
  /** Keeps a checked file as each of the kinds it serves as. */
  put(buildId: string, kinds: SymbolKind[], file: string): Promise<void>;
  open(buildId: string, kind: SymbolKind): Promise<{ stream: Readable; size: number } | null>;
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
  const file = join(tmpdir(), `crashwb-symbol-${randomUUID()}`);
  const dispose = () => rm(file, { force: true });
  try {
    await pipeline(body, new Measure(limit), createWriteStream(file, { mode: 0o600 }));
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
    const kinds: SymbolKind[] = kind === 'executable' && facts.hasDebugInfo ? ['executable', 'debuginfo'] : [kind];
    return { file, kinds, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Symbols on local disk: DATA/.symbols/<ab>/<cdef…>/<kind>, each file whole or absent. */
export class LocalSymbols implements SymbolStorage {
  constructor(private readonly root: string) {}

  private path(buildId: string, kind: SymbolKind): string {
    checkBuildId(buildId);
    return join(this.root, buildId.slice(0, 2), buildId.slice(2), kind);
  }

  async has(buildId: string, kind: SymbolKind): Promise<boolean> {
    return stat(this.path(buildId, kind)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  async put(buildId: string, kinds: SymbolKind[], file: string): Promise<void> {
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

  async open(buildId: string, kind: SymbolKind): Promise<{ stream: Readable; size: number } | null> {
    const path = this.path(buildId, kind);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) return null;
    return { stream: createReadStream(path), size: info.size };
  }
}
