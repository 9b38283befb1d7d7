import type { Crash, DayCount, FacetValue, Frame, GroupDetail, GroupNotes, SourceResult, Thread } from '../../shared/model';
import { crashingThread } from '../../shared/crashing-thread';
import { runtimeLine } from '../../shared/frame-label';
import { mechanismName } from '../fingerprint/fingerprint';

/** Lines of source shown on each side of a frame's line. */
const SNIPPET_CONTEXT = 3;
/** Frames of the crashing stack that get a source snippet. */
const SNIPPET_FRAMES = 8;
/** A group report lists its newest crashes, not all of them. */
export const REPORT_CRASHES = 50;

export interface SourceSnippet {
  path: string;
  firstLine: number;
  lines: string[];
}

export interface ReportFrame extends Frame {
  source: SourceSnippet | null;
}

export interface ReportThread {
  id: number;
  number: number;
  name: string | null;
  goroutine?: number;
  crashed: boolean;
  frames: ReportFrame[];
  truncated: boolean;
}

export interface ReportModule {
  path: string;
  buildId: string | null;
  symbols: string;
  debugFile: string | null;
}

/** One crash as a report shows it: the summary first, then everything a reader needs to follow it. */
export interface CrashReport {
  id: string;
  signal: { name: string; code: string; faultAddress: string | null; explanation: string };
  /** The runtime's word on it (the thrown error, the panic), where a runtime's reader gave one. */
  runtimeMessage: string | null;
  executable: string | null;
  version: string | null;
  host: string | null;
  time: string;
  pid: number;
  commandLine: string;
  /** NAME=value, as the process had them. */
  environment: string[];
  crashingThread: ReportThread | null;
  threads: ReportThread[];
  registers: Record<string, string>;
  modules: ReportModule[];
  attributes: Record<string, string>;
  warnings: string[];
  analysisError: string | null;
}

export interface GroupReport {
  id: number;
  title: string;
  status: string;
  mechanism: string;
  signature: string[];
  fingerprint: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  versions: FacetValue[];
  hosts: FacetValue[];
  attributes: Record<string, FacetValue[]>;
  daily: DayCount[];
  crashes: Array<{ id: string; time: string; host: string | null; version: string | null }>;
}

/** Everything an export holds; every format is rendered from this, after redaction. */
export interface ReportData {
  kind: 'crash' | 'group';
  title: string;
  generatedAt: string;
  crash: CrashReport;
  group: GroupReport | null;
  notes: GroupNotes | null;
  /** Counts of what redaction removed, by rule; empty when the export was not redacted. */
  redactions: Record<string, number>;
  redacted: boolean;
}

export type SourceReader = (file: string, executable: string | null) => Promise<SourceResult>;

function environmentOf(crash: Crash): string[] {
  if (crash.environment?.length) return crash.environment;
  // apport keeps the environment as text, one NAME=value per line.
  const text = crash.attachments?.find((a) => a.name === 'ProcEnviron')?.text ?? '';
  return text.split('\n').filter((line) => line.includes('='));
}

function reportThread(thread: Thread, sources: Map<number, SourceSnippet>): ReportThread {
  return {
    id: thread.id,
    number: thread.number,
    name: thread.name,
    ...(thread.goroutine !== undefined ? { goroutine: thread.goroutine } : {}),
    crashed: thread.crashed,
    truncated: thread.framesTruncated,
    frames: thread.frames.map((f) => ({ ...f, source: sources.get(f.index) ?? null })),
  };
}

/** Source lines around the crashing stack's frames, read once per file. */
async function snippets(thread: Thread | undefined, executable: string | null, read: SourceReader): Promise<Map<number, SourceSnippet>> {
  const out = new Map<number, SourceSnippet>();
  const files = new Map<string, Promise<SourceResult>>();
  for (const frame of (thread?.frames ?? []).slice(0, SNIPPET_FRAMES)) {
    if (!frame.file || !frame.line) continue;
    const pending = files.get(frame.file) ?? read(frame.file, executable);
    files.set(frame.file, pending);
    const source = await pending;
    if (!source.found) continue;
    const lines = source.text.split('\n');
    const first = Math.max(1, frame.line - SNIPPET_CONTEXT);
    out.set(frame.index, { path: source.path, firstLine: first, lines: lines.slice(first - 1, frame.line + SNIPPET_CONTEXT) });
  }
  return out;
}

export async function crashReport(crash: Crash, read: SourceReader): Promise<CrashReport> {
  const crashed = crashingThread(crash);
  const sources = await snippets(crashed, crash.executable, read);
  return {
    id: crash.id,
    runtimeMessage: runtimeLine(crash.runtime),
    signal: {
      name: crash.signal.name,
      code: crash.signal.codeName ?? String(crash.signal.code),
      faultAddress: crash.signal.faultAddress,
      explanation: crash.signal.explanation,
    },
    executable: crash.executable,
    version: crash.attributes.version ?? null,
    host: crash.attributes.hostname ?? null,
    time: crash.timestamp,
    pid: crash.pid,
    commandLine: crash.commandLine,
    environment: environmentOf(crash),
    crashingThread: crashed ? reportThread(crashed, sources) : null,
    threads: crash.threads.filter((t) => t !== crashed).map((t) => reportThread(t, new Map())),
    registers: crashed?.registers ?? {},
    modules: crash.modules.map((m) => ({ path: m.path, buildId: m.buildId, symbols: m.symbols, debugFile: m.debugFile })),
    attributes: crash.attributes,
    // What would show a runtime's own frames is said with the warnings.
    warnings: [...(crash.runtime?.missing ? [crash.runtime.missing] : []), ...crash.warnings.map((w) => w.message)],
    analysisError: crash.analysisError,
  };
}

export function groupReport(
  detail: GroupDetail,
  crashes: Array<{ id: string; timestamp: string; attributes: Record<string, string> }>,
): GroupReport {
  const g = detail.group;
  return {
    id: g.id,
    title: g.title,
    status: g.status,
    mechanism: mechanismName(g.mechanism),
    signature: g.frames,
    fingerprint: g.fingerprint,
    count: g.count,
    firstSeen: g.firstSeen,
    lastSeen: g.lastSeen,
    versions: detail.attributes.version ?? g.versions,
    hosts: detail.attributes.hostname ?? g.hosts,
    attributes: detail.attributes,
    daily: detail.daily,
    crashes: crashes.map((c) => ({
      id: c.id,
      time: c.timestamp,
      host: c.attributes.hostname ?? null,
      version: c.attributes.version ?? null,
    })),
  };
}
