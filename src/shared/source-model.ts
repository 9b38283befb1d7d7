/** Where crashes come from: imports of files, S3 buckets and reporters, and their reports. */

import type { BatchOptions, SymbolSearchRequest } from './crash-model';

export interface ImportRequest extends BatchOptions {
  paths: string[];
}

/** How to reach an S3-compatible store, and with which credentials. */
export interface S3Endpoint {
  endpoint?: string;
  region?: string;
  pathStyle?: boolean;
  /** The credentials saved in the desktop app for this endpoint, instead of AWS_PROFILE / the environment. */
  savedCredentials?: boolean;
}

/** One level of a bucket: its sub-prefixes and its objects, crash bundles recognised by name. */
export interface S3Listing {
  buckets: string[];
  prefixes: string[];
  objects: S3Entry[];
}

export interface S3Entry {
  key: string;
  size: number;
  lastModified: string | null;
  /** What the name says it is ("core-dump-handler zip", "systemd-coredump", "apport report" …), null when no crash. */
  kind: string | null;
  /** What the name tells before downloading: host, executable, pid, signal, time … */
  metadata: Record<string, string>;
  /** Downloaded already, unchanged since (same ETag). */
  synced: boolean;
}

/** Import what lies under an S3 prefix: only objects new or changed since the last sync are downloaded. */
export interface S3ImportRequest extends S3Endpoint, BatchOptions {
  /** s3://BUCKET or s3://BUCKET/PREFIX */
  url: string;
  /** Only these keys, when given (a selection in the browser). */
  keys?: string[];
}

/** A crash reporter the workbench pulls from. */
export interface ReporterSourceInfo {
  /** reporter+http(s)://HOST:PORT */
  url: string;
  /** A token is kept for it in the OS keychain (desktop app). */
  tokenSaved: boolean;
  /** When the last complete sync ended. */
  lastSync: string | null;
}

/** Pull what arrived at a reporter since the last sync; the token saved for it unless one is given. */
export interface ReporterSyncRequest extends BatchOptions {
  url: string;
  token?: string;
}

export interface ImportReport {
  jobId: string;
  imported: string[];
  existing: string[];
  failed: Array<{ path: string; error: string }>;
  /** Files met in folders that are not cores. */
  skipped: number;
  total: number;
  cancelled: boolean;
  /** Cores left on a reporter because their crash came as a snapshot; fetched when a crash is opened. */
  deferred?: number;
}

/** Which stored crashes to analyse again: all, one group's, and/or only those that lacked symbols. */
export interface ReprocessRequest extends SymbolSearchRequest {
  missingSymbols?: boolean;
  groupId?: number;
}

export interface ReprocessReport {
  checked: number;
  reanalyzed: string[];
  /** Analysed again and now with more named frames. */
  improved: string[];
  failed: Array<{ id: string; error: string }>;
}

export interface ImportProgressEvent {
  type: 'import';
  jobId: string;
  done: number;
  total: number;
  current: string | null;
  failed: Array<{ path: string; error: string }>;
}
