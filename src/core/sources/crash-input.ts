import type { Attachment, CrashAnalysis, RuntimeReading, Thread } from '../../shared/model';
import type { CrashShape } from './shape';

export interface SourceLimits {
  /** Bytes a compressed core or an archive may expand to. */
  maxCoreBytes: number;
  /** Ends the unpacking of a crash taking longer than it can (see `openDeadline`). */
  signal?: AbortSignal;
}

export const DEFAULT_LIMITS: SourceLimits = { maxCoreBytes: 64 * 1024 ** 3 };

/** What a bundle without a core still says about the crash. */
export interface PartialCrash {
  signal: number | null;
  faultAddress: string | null;
  pid: number | null;
  executable: string | null;
  commandLine: string;
  threads: Thread[];
  /** Who recorded the stack, for the crash's note: "apport", "AppScope". */
  recordedBy: string;
  /** What ended the process when it was no signal (a runtime's uncaught exception): a name and one sentence. */
  reason?: { name: string; explanation: string };
  /** NAME=value strings the process ran with, where the recorder kept them. */
  environment?: string[];
  /** The runtime that printed the stack, and its words on the crash (the panic, the thrown error). */
  runtime?: RuntimeReading;
}

/** A crash ready to analyse: the local core (if any) and everything its bundle said. */
export interface CrashInput {
  shape: CrashShape;
  origin: string | null;
  /** The ELF core or minidump the debugger reads; null for a bundle that carried none. */
  core: string | null;
  /** The core's digest when it was written to the store on the way (saves reading it again). */
  coreSha256: string | null;
  /** True when `core` was taken out of the source into the store. */
  stored: boolean;
  attributes: Record<string, string>;
  attachments: Attachment[];
  /** When the crash happened, when the bundle knows better than the file's mtime. */
  timestamp: string | null;
  partial: PartialCrash | null;
  /** A crash analysed where it happened, sent without (or ahead of) its core. */
  snapshot: SnapshotCrash | null;
}

/** What a snapshot brings: the host's analysis, named by the digest of the core it was made from. */
export interface SnapshotCrash {
  analysis: CrashAnalysis;
  coreSha256: string;
}

/** A core read where it is. */
export const plain = (shape: CrashShape, path: string): CrashInput => ({
  shape,
  origin: null,
  core: path,
  coreSha256: null,
  stored: false,
  attributes: {},
  attachments: [],
  timestamp: null,
  partial: null,
  snapshot: null,
});

export type BundleFacts = Pick<CrashInput, 'shape' | 'origin' | 'attributes' | 'attachments' | 'timestamp'>;

/** A bundle whose core was taken out into the store. */
export const withStoredCore = (base: BundleFacts, core: { path: string; sha256: string }): CrashInput => ({
  ...base,
  core: core.path,
  coreSha256: core.sha256,
  stored: true,
  partial: null,
  snapshot: null,
});

/** A bundle that came without a core: what it recorded stands for the crash. */
export const withoutCore = (base: BundleFacts, partial: PartialCrash): CrashInput => ({
  ...base,
  core: null,
  coreSha256: null,
  stored: false,
  partial,
  snapshot: null,
});

/** A snapshot: the host's analysis stands for the crash until (unless) its core arrives. */
export const fromSnapshot = (base: BundleFacts, snapshot: SnapshotCrash): CrashInput => ({
  ...base,
  core: null,
  coreSha256: null,
  stored: false,
  partial: null,
  snapshot,
});

/**
 * One way crashes arrive. A new format is one module that exports one of these, and one line in
 * sources/registry.ts.
 */
export interface CrashSource {
  /** For messages: "apport report". */
  readonly name: string;
  /** The shape this source opens; none for one that only names files (systemd-coredump). */
  readonly opens?: CrashShape['kind'];
  /** The shape a file's first bytes announce (names lie: a .crash may be anything), or null. */
  detectFile?(head: Buffer): CrashShape | null;
  /** The shape of a folder that is one crash of this kind, or null. */
  detectDirectory?(path: string): Promise<CrashShape | null>;
  /** What an object's name says before it is downloaded (S3 listings), or null. */
  recognizeName?(name: string): { kind: string; metadata: Record<string, string> } | null;
  /** Turns the file or folder into a crash: its core in place or in the store, and what it said. */
  open?(path: string, shape: CrashShape, storeDir: string, limits: SourceLimits): Promise<CrashInput>;
  /** The files that identify a crash of this kind that came without a core. */
  identity?(path: string): Promise<string[]>;
  /**
   * For a crash that is a folder of several files: which file names mark a folder as one of this
   * source's crashes, and which belong to it. An S3 import brings such a folder whole when any of
   * its parts is chosen, and imports it as the folder, as on disk.
   */
  readonly folderParts?: { marks(name: string): boolean; isPart(name: string): boolean };
}
