import type { Readable } from 'node:stream';
import type { StoredKind, SymbolPart, SymbolStorage } from './symbol-storage';

/** What a project's requests do with symbols: the routes' view of the store. */
export interface ProjectSymbolView {
  has(buildId: string, kind: StoredKind): Promise<boolean>;
  put(buildId: string, kinds: StoredKind[], file: string, replace?: boolean): Promise<void>;
  open(buildId: string, kind: StoredKind): Promise<{ stream: Readable; size: number } | null>;
  hasSource(sha256: string): Promise<boolean>;
  putSource(sha256: string, file: string): Promise<void>;
  openSource(sha256: string): Promise<{ stream: Readable; size: number } | null>;
  sourceIndex(buildId: string): Promise<Record<string, string>>;
  /** Adds paths to a build's source map (merged with what the project's map held). */
  addSources(buildId: string, files: Record<string, string>, replace?: boolean): Promise<number>;
}

/** A shared copy sent before owners were kept: read by all, replaced by none but an admin. */
const NO_OWNER = '';

/**
 * Symbols as one project sees them. A build-id is whatever a linker, or a hostile uploader,
 * wrote into a file, so it cannot say whose build a file is:
 * - the first project to send a build-id's part owns the shared copy, which every project reads;
 * - another project's copy of the same part goes to its own shelf, which it reads first, and
 *   never replaces the shared one;
 * - only a project marked symbol admin replaces a shared copy, when it asks to.
 * Source contents are named by their sha256, which no upload can fake, so they are shared as is.
 */
export class ProjectSymbols implements ProjectSymbolView {
  constructor(
    private readonly shared: SymbolStorage,
    private readonly own: SymbolStorage,
    private readonly project: string,
    private readonly admin: boolean,
  ) {}

  /** The owner of a shared part, claiming it for this project when nobody has sent it yet. */
  private async ownerFor(buildId: string, part: SymbolPart, present: boolean, replace: boolean): Promise<string> {
    if (replace) {
      if (!this.admin)
        throw new ReplaceRefused(`project ${this.project} may not replace shared symbols; ask the reporter's admin to mark it symbolAdmin`);
      return this.shared.claim(buildId, part, this.project, true);
    }
    if (present) return (await this.shared.ownerOf(buildId, part)) ?? NO_OWNER;
    return this.shared.claim(buildId, part, this.project);
  }

  /** Held for this project: on its shelf, or shared and its own (or sent before owners were kept). */
  async has(buildId: string, kind: StoredKind): Promise<boolean> {
    if (await this.own.has(buildId, kind)) return true;
    if (!(await this.shared.has(buildId, kind))) return false;
    const owner = await this.shared.ownerOf(buildId, kind);
    return owner === null || owner === this.project;
  }

  async put(buildId: string, kinds: StoredKind[], file: string, replace = false): Promise<void> {
    for (const kind of kinds) {
      const owner = await this.ownerFor(buildId, kind, await this.shared.has(buildId, kind), replace);
      await (owner === this.project ? this.shared : this.own).put(buildId, [kind], file);
    }
  }

  async open(buildId: string, kind: StoredKind): Promise<{ stream: Readable; size: number } | null> {
    return (await this.own.open(buildId, kind)) ?? this.shared.open(buildId, kind);
  }

  hasSource(sha256: string): Promise<boolean> {
    return this.shared.hasSource(sha256);
  }

  putSource(sha256: string, file: string): Promise<void> {
    return this.shared.putSource(sha256, file);
  }

  openSource(sha256: string): Promise<{ stream: Readable; size: number } | null> {
    return this.shared.openSource(sha256);
  }

  async sourceIndex(buildId: string): Promise<Record<string, string>> {
    const own = await this.own.sourceIndex(buildId);
    return Object.keys(own).length ? own : this.shared.sourceIndex(buildId);
  }

  async addSources(buildId: string, files: Record<string, string>, replace = false): Promise<number> {
    const present = Object.keys(await this.shared.sourceIndex(buildId)).length > 0;
    const owner = await this.ownerFor(buildId, 'sources', present, replace);
    const target = owner === this.project ? this.shared : this.own;
    const merged = { ...(replace ? {} : await target.sourceIndex(buildId)), ...files };
    await target.setSourceIndex(buildId, merged);
    return Object.keys(merged).length;
  }
}

/** A project that asked to replace shared symbols without the right to: said as a 403. */
export class ReplaceRefused extends Error {}
