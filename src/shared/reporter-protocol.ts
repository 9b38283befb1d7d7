/**
 * The crash reporter's HTTP protocol, version 1, as the reporter serves it (src/reporter), the
 * uploader sends to it (crashwb upload, agent) and the workbench pulls from it: one definition.
 */

/** Where each call goes. */
export const REPORTER_PATHS = {
  /** PUT: the core as the body. GET: the listing. */
  crashes: '/api/v1/crashes',
  /** POST: a multipart form with a `dump` file, for minimal uploaders. */
  form: '/api/upload',
  health: '/healthz',
  /** One crash, as the workbench names where it came from. */
  crash: (crashId: string): string => `/api/v1/crashes/${crashId}`,
  core: (crashId: string): string => `/api/v1/crashes/${crashId}/core`,
  /** PUT (by the uploader, after the crash) and GET: what the runtime wrote beside the core, as `Attachment[]` JSON. */
  attachments: (crashId: string): string => `/api/v1/crashes/${crashId}/attachments`,
  list: (after: string | null, limit: number): string =>
    `/api/v1/crashes?limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
  /** POST `{ wanted: SymbolRef[] }`: answers `{ missing: SymbolRef[] }`, what the store lacks. */
  missingSymbols: '/api/v1/symbols/missing',
  /** PUT: an executable, library or debug file, checked against its build-id before it is kept. */
  symbol: (buildId: string, kind: SymbolKind): string => `/api/v1/symbols/${buildId}/${kind}`,
  /** POST `{ sha256s }`: answers `{ missing }`, the source contents the store lacks. */
  missingSources: '/api/v1/sources/missing',
  /** PUT: a source file's bytes, named by their sha256. */
  source: (sha256: string): string => `/api/v1/sources/${sha256}`,
  /** PUT `{ files: { PATH: SHA256 } }`: the sources a build was made from, as its debug info names them. */
  sourceIndex: (buildId: string): string => `/api/v1/symbols/${buildId}/sources`,
  /** GET, as debuginfod serves it, so gdb, lldb and elfutils' tools can read the store too. */
  buildId: (buildId: string, kind: SymbolKind): string => `/buildid/${buildId}/${kind}`,
  /** POST `{ wanted: BreakpadRef[] }`: answers `{ missing: BreakpadRef[] }`, the Breakpad symbol files the store lacks. */
  missingBreakpad: '/api/v1/breakpad/missing',
  /** PUT: a Breakpad `.sym` file, checked against its MODULE line before it is kept. */
  breakpadSymbol: (ref: BreakpadRef): string => `/api/v1/breakpad/${encodeURIComponent(ref.debugFile)}/${ref.debugId}`,
  /**
   * GET, in the symbol-store layout Breakpad, Socorro and Sentry serve (`<debug file>/<DEBUG ID>/<name>.sym`),
   * from the server's root: one URL is then a symbol server for ELF files and for Breakpad's.
   */
  breakpadStore: (ref: BreakpadRef, symName: string): string =>
    `/${encodeURIComponent(ref.debugFile)}/${ref.debugId}/${encodeURIComponent(symName)}`,
} as const;

/**
 * The paths with parameters as the reporter reads them: each matches what the builder of the same
 * name in REPORTER_PATHS writes, and captures its parameters in order.
 */
export const REPORTER_ROUTES = {
  core: /^\/api\/v1\/crashes\/([^/]+)\/core$/,
  attachments: /^\/api\/v1\/crashes\/([^/]+)\/attachments$/,
  symbol: /^\/api\/v1\/symbols\/([^/]+)\/([^/]+)$/,
  source: /^\/api\/v1\/sources\/([^/]+)$/,
  sourceIndex: /^\/api\/v1\/symbols\/([^/]+)\/sources$/,
  buildId: /^\/buildid\/([^/]+)\/([^/]+)(\/.*)?$/,
  breakpadSymbol: /^\/api\/v1\/breakpad\/([^/]+)\/([^/]+)$/,
  breakpadStore: /^\/([^/]+)\/([0-9A-Fa-f]{33,40})\/([^/]+\.sym)$/,
} as const satisfies Partial<Record<keyof typeof REPORTER_PATHS, RegExp>>;

/** A Breakpad symbol file as a store keys it: its debug file's name and its debug id (upper-case hex). */
export interface BreakpadRef {
  debugFile: string;
  debugId: string;
}

/** A debug id as Breakpad writes it: a GUID or build-id's first 16 bytes and an age, in hex. */
export const BREAKPAD_DEBUG_ID = /^[0-9A-F]{33,40}$/;

/** Why a debug file name cannot key a store, or null: a plain file name, as dump_syms writes it on the MODULE line. */
export function badDebugFile(name: string): string | null {
  if (!name || name.length > 255) return 'a debug file name is 1 to 255 characters';
  const control = [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (control || /[/\\]/.test(name) || name === '.' || name === '..') return 'a debug file name has no folder, and no control characters';
  return null;
}

/** What a symbol store keeps per build-id: the binary, and its debug info (the same file when not split). */
export const SYMBOL_KINDS = ['executable', 'debuginfo'] as const;
export type SymbolKind = (typeof SYMBOL_KINDS)[number];

/** A GNU build-id in lower-case hex, as the store names files. */
export const BUILD_ID = /^[0-9a-f]{8,128}$/;

export interface SymbolRef {
  buildId: string;
  kind: SymbolKind;
}

/** Build-ids (or source contents) asked about at once. */
export const MAX_SYMBOL_QUERY = 10_000;
/** Largest source file kept, as the source view shows at most. */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;
/** Source paths recorded for one build. */
export const MAX_SOURCES_PER_BUILD = 100_000;

/** The PUT's headers beside `Authorization: Bearer TOKEN`. */
export const REPORTER_HEADERS = {
  /** base64url of a JSON object of short string fields */
  metadata: 'X-Crash-Metadata',
  /** the body's sha256, lower-case hex: a body that hashes otherwise is refused */
  sha256: 'X-Crash-Sha256',
} as const;

/** A crash's id: the sha256 of its core, which makes a retried upload land once. */
export const CRASH_ID = /^[0-9a-f]{64}$/;

/** `receivedAt|crashId` as a listing returns it; the id may be left out to start at a time. */
export const CURSOR = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|[0-9a-f]{0,64}$/;

/** What the reporter keeps about each crash, beside its bytes. */
export interface StoredCrash {
  crashId: string;
  project: string;
  size: number;
  receivedAt: string;
  /** Metadata as the uploader sent it: strings only, bounded. */
  metadata: Record<string, string>;
}

/** A page of the listing. */
export interface CrashPage {
  crashes: StoredCrash[];
  /** `receivedAt|crashId` of the last crash listed; pass it as `after` for the next page. */
  cursor: string | null;
}

export const cursorOf = (crash: Pick<StoredCrash, 'receivedAt' | 'crashId'>): string => `${crash.receivedAt}|${crash.crashId}`;

/** The time part of a cursor, in ms, or NaN. */
export const cursorTime = (cursor: string): number => Date.parse(cursor.split('|')[0] ?? '');

export const bearer = (token: string): string => `Bearer ${token}`;

/**
 * A crash analysed where it happened (`crashwb upload --snapshot`): the analysis as
 * `crashwb analyze --json` gives it, and the modules with their packages, sent before (or
 * instead of) the core. Uploaded like a core, with `kind: snapshot` in its metadata; `format`
 * comes first in the JSON, so a file's first bytes say what it is.
 */
export const SNAPSHOT_FORMAT = 'crashwb-snapshot/1';
export const SNAPSHOT_HEAD = `{"format":"${SNAPSHOT_FORMAT}"`;

/**
 * Whether text starts as a snapshot does, whatever JSON whitespace its writer put between the
 * tokens (the reporter parses JSON, which allows it; the import must recognise what it accepted).
 * A scan, not a regular expression: the text comes from outside.
 */
export function isSnapshotHead(text: string): boolean {
  const tokens = ['{', '"format"', ':', `"${SNAPSHOT_FORMAT}"`];
  let at = 0;
  for (const token of tokens) {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at++;
    if (!text.startsWith(token, at)) return false;
    at += token.length;
  }
  return true;
}
/** Largest snapshot a reporter or a workbench reads. */
export const MAX_SNAPSHOT_BYTES = 32 * 1024 * 1024;

export interface ModuleFact {
  path: string;
  buildId: string | null;
  /** The package that owns the file on the host (dpkg or rpm), when one does. */
  package?: string;
  version?: string;
}

export interface CrashSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** The core's sha256: the crash's identity, whether or not the core follows. */
  coreSha256: string;
  coreSize: number;
  capturedAt: string;
  /** What `crashwb analyze --json` printed on the host; null when it could not run there. */
  analysis: unknown;
  /** Why there is no analysis (no debugger on the host, a timeout …). */
  analysisError: string | null;
  modules: ModuleFact[];
}

/** The reporter's answer to `PUT /api/v1/crashes`: 201 when stored now, 200 when it was stored before. */
export interface CrashAnswer {
  crash_id: string;
  created: boolean;
  /** For a snapshot: false when a crash of the same fingerprint is already stored with its core. */
  wants_core?: boolean;
}

/** The reporter's answer to the multipart form (202): the fields it could not keep are named. */
export interface FormAnswer {
  crash_id: string;
  ignored_fields?: string[];
}

/** What an uploader can trust of an answer's JSON: each field only when it has its type. */
export function crashAnswerOf(json: unknown): Partial<CrashAnswer> {
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  return {
    ...(typeof o.crash_id === 'string' && CRASH_ID.test(o.crash_id) ? { crash_id: o.crash_id } : {}),
    ...(typeof o.created === 'boolean' ? { created: o.created } : {}),
    ...(typeof o.wants_core === 'boolean' ? { wants_core: o.wants_core } : {}),
  };
}

/** A reporter project's name: what its crashes' `project` attribute says once pulled into a workbench. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** The reporter behind a `reporter+http://HOST:PORT` source, as the settings and the CLI name one. */
export function reporterBase(url: string): URL {
  const m = /^reporter\+(https?:\/\/[^\s]+)$/.exec(url);
  if (!m?.[1]) throw new Error(`${url} is not a reporter source: write reporter+http://HOST:PORT`);
  return new URL(m[1]);
}

/** Metadata an uploader sends with a crash: plain field names, at most so many, each value short text. */
export const METADATA_KEY = /^[a-z][a-z0-9_.-]{0,63}$/;
export const MAX_METADATA_FIELDS = 64;
export const MAX_METADATA_VALUE = 1024;

/** What the runtime wrote beside a core (Node.js reports, a service's journal): at most so many texts, so many bytes in all. */
export const MAX_ATTACHMENTS = 16;
export const MAX_ATTACHMENTS_BYTES = 8 * 1024 * 1024;
const MAX_ATTACHMENT_NAME = 200;

/** A crash's attachments as sent or served, checked: a list of `{ name, text }`; throws naming what is wrong. */
export function attachmentsOf(json: unknown): { name: string; text: string }[] {
  if (!Array.isArray(json)) throw new Error('attachments are a JSON list of { "name", "text" }');
  if (json.length > MAX_ATTACHMENTS) throw new Error(`at most ${MAX_ATTACHMENTS} attachments`);
  return json.map((item, i) => {
    const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const { name, text } = entry;
    if (typeof name !== 'string' || name === '' || name.length > MAX_ATTACHMENT_NAME || [...name].some((c) => c.charCodeAt(0) < 0x20))
      throw new Error(`attachment ${i}: a name of 1 to ${MAX_ATTACHMENT_NAME} printable characters`);
    if (typeof text !== 'string') throw new Error(`attachment ${i} (${name}): its text is a string`);
    return { name, text };
  });
}
