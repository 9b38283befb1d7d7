/** Intake, step 2: one crash input becomes a Crash, named by its core's digest (analysed by step 3). */

import { stat } from 'node:fs/promises';
import type { Attachment, Crash, CrashAnalysis } from '../../shared/model';
import { sha256OffThread } from '../offload/offload';
import { partialAnalysis } from './partial-crash';
import { digestOf, identityFiles, prepareCrash, type SourceLimits } from './open-bundle';
import type { CrashShape } from '../sources/shape';

export interface IngestContext {
  /** Where cores taken out of bundles and compressed files are kept, by digest. */
  storeDir: string;
  limits?: SourceLimits;
  knownDigest(path: string, size: number, mtimeMs: number): string | null;
  /** Whether a crash is stored whole: a snapshot still waiting for its core does not count. */
  has(id: string): boolean;
  /** Whether a crash is stored at all, a snapshot included. */
  stored(id: string): boolean;
  /** Analyses a local core (ELF or minidump) with the caller's debugger options. */
  analyze(core: string): Promise<CrashAnalysis>;
  onHashing?(fraction: number): void;
  /** Analyse again a crash already stored (opening a file does; an import does not). */
  refresh: boolean;
  /** The crash's shape, where a search for crashes read it already. */
  shape?: CrashShape;
  /** What came beside the file from where it was fetched (a reporter's attachments), added to its bundle's. */
  beside?: Attachment[];
}

export interface Ingested {
  /** The crash to store, or null when it is stored already and was not to be refreshed. */
  crash: Crash | null;
  id: string;
  mtimeMs: number;
  /** The imported file's size and where its core was put, for CrashStore.save. */
  origin: { size: number; storedPath: string | null };
}

/**
 * Takes any shape of crash from a path to a Crash: recognises the shape, takes the core out
 * into the store when it is packed, analyses it (or, without a core, keeps what the bundle
 * recorded), and names it by the digest of its core so the same core is one crash however it came.
 */
export async function ingestCrash(path: string, attributes: Record<string, string>, ctx: IngestContext): Promise<Ingested> {
  const info = await stat(path);
  const known = ctx.knownDigest(path, info.size, info.mtimeMs);
  const base = { mtimeMs: info.mtimeMs, origin: { size: info.size, storedPath: null } };
  if (known && !ctx.refresh && ctx.has(known)) return { ...base, crash: null, id: known };

  const prepared = await prepareCrash(path, ctx.storeDir, ctx.limits, ctx.shape);
  const input = ctx.beside?.length ? { ...prepared, attachments: [...prepared.attachments, ...ctx.beside] } : prepared;
  const extra = { origin: input.origin ?? undefined, attachments: input.attachments.length ? input.attachments : undefined };
  if (input.snapshot) {
    // Named by its core's digest: the core, whenever it comes, is the same crash and replaces it.
    const id = input.snapshot.coreSha256;
    if (!ctx.refresh && ctx.stored(id)) return { ...base, crash: null, id };
    return {
      ...base,
      id,
      crash: {
        ...input.snapshot.analysis,
        ...extra,
        // The host kept what the runtime printed beside its analysis (the capture agent's attachments).
        attachments: withBundle(input.snapshot.analysis.attachments, input.attachments),
        id,
        sha256: id,
        attributes: { ...input.attributes, ...attributes },
      },
    };
  }
  if (!input.core || input.partial) {
    const id = await digestOf(await identityFiles(path, ctx.shape));
    if (!ctx.refresh && ctx.has(id)) return { ...base, crash: null, id };
    const analysis = partialAnalysis(path, info.size, info.mtime, input, input.partial ?? emptyPartial());
    return { ...base, id, crash: { ...analysis, ...extra, id, sha256: id, attributes: { ...input.attributes, ...attributes } } };
  }
  const core = input.core;
  const origin = { size: info.size, storedPath: input.stored ? core : null };
  // The digest is I/O and the debugger is CPU: on a big core, doing both at once saves seconds.
  const digest = input.coreSha256 ? Promise.resolve(input.coreSha256) : (known ?? sha256OffThread(core, ctx.onHashing));
  if (!ctx.refresh) {
    const id = await digest;
    if (ctx.has(id)) return { ...base, origin, crash: null, id };
  }
  const [id, analysis] = await Promise.all([digest, ctx.analyze(core)]);
  const crash: Crash = {
    ...analysis,
    ...extra,
    attachments: withBundle(analysis.attachments, input.attachments),
    source: path,
    timestamp: input.timestamp ?? (core === path ? analysis.timestamp : info.mtime.toISOString()),
    loaded: {
      ...(analysis.loaded ?? { executable: null, debugDirs: [] }),
      ...(core !== path ? { core } : {}),
    },
    id,
    sha256: id,
    attributes: { ...input.attributes, ...attributes },
  };
  return { ...base, origin, id, crash };
}

/** The analysis's own attachments (a minidump's copies of /proc, a host's) and the bundle's after them; none where there are none. */
function withBundle(own: Attachment[] | undefined, bundle: Attachment[]): Attachment[] | undefined {
  const all = [...(own ?? []), ...bundle];
  return all.length ? all : undefined;
}

function emptyPartial() {
  return { signal: null, faultAddress: null, pid: null, executable: null, commandLine: '', threads: [], recordedBy: 'the bundle' };
}

/** The core a stored crash's debugger reads; null when its bundle had none. */
export function coreOf(crash: Crash): string | null {
  return crash.loaded?.core === undefined ? crash.source : crash.loaded.core;
}
