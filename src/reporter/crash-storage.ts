import type { Attachment } from '../shared/model';
import type { Readable } from 'node:stream';
import { CRASH_ID, cursorOf, PROJECT_NAME, type CrashPage, type StoredCrash } from '../shared/reporter-protocol';
import type { SymbolStorage } from './symbol-storage';
import { StorageUnavailable } from './storage-errors';

/**
 * Where a reporter keeps crashes. Every implementation keeps all of its state in the storage
 * itself, so reporters sharing one storage need nothing else to agree.
 */
export interface CrashStorage {
  /** What the logs say the reporter stores into. */
  readonly description: string;
  /** The symbol store beside the crashes, shared by the projects (see project-symbols.ts). */
  readonly symbols: SymbolStorage;
  /** A project's own shelf of symbols: its copies of build-ids another project sent first. */
  symbolsOf(project: string): SymbolStorage;
  /**
   * Streams a core in; the same bytes uploaded twice, even at once, are one crash (`created:
   * false`). With `expectedSha256`, bytes that hash otherwise are dropped before anything of them
   * becomes visible, and the put fails with `Damaged`.
   */
  put(
    project: string,
    body: Readable,
    metadata: Record<string, string>,
    limit: number,
    expectedSha256?: string,
  ): Promise<{ crash: StoredCrash; created: boolean }>;
  get(project: string, crashId: string): Promise<StoredCrash | null>;
  /** Crashes received after the cursor, oldest first. */
  list(project: string, after: string | null, limit: number): Promise<CrashPage>;
  open(project: string, crashId: string): Promise<{ stream: Readable; size: number } | null>;
  /** Sets the metadata of a crash that came by a form whose fields arrived after its file. */
  setMetadata(project: string, crashId: string, metadata: Record<string, string>): Promise<void>;
  /** Keeps what the runtime wrote beside a stored crash's core (checked by `attachmentsOf`), replacing what was kept. */
  setAttachments(project: string, crashId: string, attachments: Attachment[]): Promise<void>;
  /** What was kept beside the crash; null when nothing was. */
  attachments(project: string, crashId: string): Promise<Attachment[] | null>;
  /**
   * Notes that a crash of this fingerprint came, unless one came before; returns the id of the
   * first one noted (this one's when it is new), so a retried upload gets the same answer.
   */
  firstOfFingerprint(project: string, fingerprint: string, crashId: string): Promise<string>;
}

/** An index entry with no record yet is a put in flight for this long; after that, a leftover of a killed reporter. */
export const IN_FLIGHT_MS = 60_000;

/** How long a put waits for another put of the same bytes to write the record before asking its client to send again. */
export const TWIN_WAIT_MS = 10_000;

/**
 * Runs a put's step until it settles: `attempt` gives the answer, or null while another put of
 * the same crash holds its claim. An uploader is told its crash is stored only once its record
 * is: were it told so while the other put was still writing, and that put then failed or its
 * reporter was killed, the uploader would drop a crash that nobody kept.
 */
export async function settleWithTwin<T>(crashId: string, attempt: () => Promise<T | null>, waitMs = TWIN_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
    const answer = await attempt();
    if (answer !== null) return answer;
    if (Date.now() >= deadline) {
      throw new StorageUnavailable(
        `another upload of crash ${crashId} is being stored and has not finished within ${waitMs / 1000} s; send it again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

export function checkProject(project: string): string {
  if (!PROJECT_NAME.test(project)) throw new Error(`bad project name ${JSON.stringify(project)}`);
  return project;
}

export function checkCrashId(crashId: string): string {
  if (!CRASH_ID.test(crashId)) throw new Error('bad crash id');
  return crashId;
}

/** An arrival in a storage's index: `<receivedAt>_<crashId>`, which sorts in order of arrival. */
export interface IndexEntry {
  receivedAt: string;
  crashId: string;
}

const INDEX_ENTRY = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)_([0-9a-f]{64})$/;
export const indexName = (entry: IndexEntry): string => `${entry.receivedAt}_${entry.crashId}`;
export function parseIndexName(name: string): IndexEntry | null {
  const m = INDEX_ENTRY.exec(name);
  return m?.[1] && m[2] ? { receivedAt: m[1], crashId: m[2] } : null;
}

/** Records read at once while listing. */
const READS_AT_ONCE = 16;

/**
 * A page of crashes from index entries after the cursor, in order. Every storage writes the
 * index entry before the record, so a listing stops at an entry whose record is still being
 * written (and the next listing finds it), and skips one whose writer died long ago.
 */
export async function pageFromIndex(
  entries: IndexEntry[],
  after: string | null,
  read: (crashId: string) => Promise<StoredCrash | null>,
): Promise<CrashPage> {
  const found: Array<StoredCrash | null> = [];
  for (let i = 0; i < entries.length; i += READS_AT_ONCE) {
    found.push(...(await Promise.all(entries.slice(i, i + READS_AT_ONCE).map((e) => read(e.crashId)))));
  }
  const crashes: StoredCrash[] = [];
  const seen = new Set<string>();
  let cursor = after;
  for (const [i, entry] of entries.entries()) {
    const crash = found[i] ?? null;
    if (!crash && Date.now() - Date.parse(entry.receivedAt) < IN_FLIGHT_MS) break;
    cursor = cursorOf(entry);
    if (crash && !seen.has(crash.crashId)) crashes.push(crash);
    if (crash) seen.add(crash.crashId);
  }
  return { crashes, cursor };
}
