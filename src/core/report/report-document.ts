import type { DayCount, FacetValue, Frame } from '../../shared/model';
import type { CrashReport, ReportData, ReportThread } from './report-data';
import {
  framePosition,
  frameLabel,
  LANGUAGE_BADGES,
  shownAddress,
  threadHeading,
  threadMention,
  nameBesideHeading,
} from '../../shared/frame-label';
import { tailCallWords, withTailCalls, type ShownFrame } from '../../shared/tail-calls';

/**
 * A report as a short list of blocks, so Markdown and HTML say the same things in the same
 * order and a section added here appears in both.
 */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string; emphasis?: boolean }
  | { kind: 'fields'; rows: Array<[string, string]> }
  | { kind: 'table'; headers: string[]; rows: string[][] }
  | { kind: 'code'; language: string; firstLine: number; lines: string[]; mark: number | null }
  | { kind: 'chart'; days: DayCount[] }
  | { kind: 'link'; label: string; url: string };

const LANGUAGE: Record<string, string> = { c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', rs: 'rust', go: 'go' };
const languageOf = (path: string): string => LANGUAGE[path.slice(path.lastIndexOf('.') + 1)] ?? '';

const where = (f: Frame): string => (f.file ? framePosition(f) : f.function ? (f.module ?? '') : '');

/** A frame's number, or the arrow of a tail call inferred above the frame that made it. */
const marker = (f: { index: number; tailCall?: unknown }): string => (f.tailCall ? '↳' : `#${f.index}`);
/** A goroutine is named by its id already. */
const named = (t: ReportThread): string => (nameBesideHeading(t) ? ` “${t.name}”` : '');
const badges = (f: ShownFrame): string =>
  `${f.language ? ` [${LANGUAGE_BADGES[f.language]}]` : ''}${f.inline ? ' [inlined]' : ''}${f.tailCall ? ` [${tailCallWords(f.tailCall)}]` : ''}`;

function frameRows(thread: ReportThread): string[][] {
  return withTailCalls(thread.frames).map((f) => [marker(f), shownAddress(f), `${frameLabel(f)}${badges(f)}`, where(f)]);
}

const FRAME_HEADERS = ['#', 'address', 'function', 'where'];
const REGISTERS_PER_ROW = 3;
const spread = (values: FacetValue[]): string => values.map((v) => `${v.value} (${v.count})`).join(', ') || '—';

function crashingStack(thread: ReportThread): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: `Crashing ${threadMention(thread)}${named(thread)}` }];
  for (const f of withTailCalls(thread.frames)) {
    blocks.push({ kind: 'paragraph', text: `${marker(f)} ${frameLabel(f)}${badges(f)} — ${where(f) || shownAddress(f)}` });
    if ('source' in f && f.source) {
      blocks.push({
        kind: 'code',
        language: languageOf(f.source.path),
        firstLine: f.source.firstLine,
        lines: f.source.lines,
        mark: f.line,
      });
    }
  }
  if (thread.truncated) blocks.push({ kind: 'paragraph', text: `The stack was cut at ${thread.frames.length} frames.`, emphasis: true });
  return blocks;
}

function crashBlocks(c: CrashReport, heading: string): Block[] {
  const blocks: Block[] = [
    { kind: 'heading', level: 2, text: heading },
    ...(c.runtimeMessage ? [{ kind: 'paragraph' as const, text: c.runtimeMessage, emphasis: true }] : []),
    { kind: 'paragraph', text: c.signal.explanation },
    {
      kind: 'fields',
      rows: [
        ['Signal', `${c.signal.name} (${c.signal.code})`],
        ['Fault address', c.signal.faultAddress ?? '—'],
        ['Executable', c.executable ?? '(unknown)'],
        ['Version', c.version ?? '—'],
        ['Host', c.host ?? '—'],
        ['Time', c.time],
        ['Process', String(c.pid)],
        ['Command line', c.commandLine || '—'],
        ['Crash id', c.id],
      ],
    },
  ];
  for (const w of c.warnings) blocks.push({ kind: 'paragraph', text: `Warning: ${w}`, emphasis: true });
  if (c.analysisError) blocks.push({ kind: 'paragraph', text: `The debugger could not finish: ${c.analysisError}`, emphasis: true });
  if (c.crashingThread) for (const block of crashingStack(c.crashingThread)) blocks.push(block);
  if (c.threads.length) {
    blocks.push({ kind: 'heading', level: 2, text: `Other threads (${c.threads.length})` });
    for (const t of c.threads) {
      blocks.push({ kind: 'heading', level: 3, text: `${threadHeading(t)}${named(t)}` });
      blocks.push({ kind: 'table', headers: FRAME_HEADERS, rows: frameRows(t) });
    }
  }
  const registers = Object.entries(c.registers);
  if (registers.length) {
    blocks.push({ kind: 'heading', level: 2, text: 'Registers of the crashing thread' });
    // Three registers to a row: a tall two-column list would fill a printed page by itself.
    const rows: string[][] = [];
    for (let i = 0; i < registers.length; i += REGISTERS_PER_ROW) rows.push(registers.slice(i, i + REGISTERS_PER_ROW).flat());
    blocks.push({ kind: 'table', headers: Array.from({ length: REGISTERS_PER_ROW }, () => ['register', 'value']).flat(), rows });
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Modules' });
  blocks.push({
    kind: 'table',
    headers: ['module', 'build-id', 'symbols', 'debug file'],
    rows: c.modules.map((m) => [m.path, m.buildId ?? '—', m.symbols, m.debugFile ?? '—']),
  });
  const attributes = Object.entries(c.attributes);
  if (attributes.length) {
    blocks.push({ kind: 'heading', level: 2, text: 'Attributes' });
    blocks.push({ kind: 'table', headers: ['attribute', 'value'], rows: attributes });
  }
  if (c.environment.length) {
    blocks.push({ kind: 'heading', level: 2, text: 'Environment' });
    blocks.push({
      kind: 'table',
      headers: ['variable', 'value'],
      rows: c.environment.map((e) => [e.split('=')[0] ?? e, e.slice(e.indexOf('=') + 1)]),
    });
  }
  return blocks;
}

/** The report's blocks: summary, group (for a group), notes, then the crash in full. */
export function reportBlocks(data: ReportData): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 1, text: data.title }];
  const removed = Object.entries(data.redactions);
  blocks.push({
    kind: 'paragraph',
    text: `Crash Workbench report, ${data.generatedAt}. ${
      data.redacted
        ? removed.length
          ? `Redacted before export: ${removed.map(([rule, n]) => `${n} × ${rule}`).join(', ')}.`
          : 'Redaction found nothing to remove.'
        : 'Not redacted: it may contain secrets, paths and hostnames.'
    }`,
    emphasis: true,
  });
  const g = data.group;
  if (g) {
    blocks.push({ kind: 'heading', level: 2, text: `Group #${g.id}` });
    blocks.push({
      kind: 'fields',
      rows: [
        ['Status', g.status],
        ['Crashes', String(g.count)],
        ['First seen', g.firstSeen],
        ['Last seen', g.lastSeen],
        ['Mechanism', g.mechanism],
        ['Signature', g.signature.join(' → ')],
        ['Versions', spread(g.versions)],
        ['Hosts', spread(g.hosts)],
        ['Fingerprint', g.fingerprint],
      ],
    });
    blocks.push({ kind: 'heading', level: 3, text: 'Crashes per day, last 30 days' });
    blocks.push({ kind: 'chart', days: g.daily });
    const others = Object.entries(g.attributes).filter(([k]) => k !== 'version' && k !== 'hostname');
    if (others.length) {
      blocks.push({ kind: 'heading', level: 3, text: 'Attributes' });
      blocks.push({ kind: 'table', headers: ['attribute', 'values'], rows: others.map(([k, v]) => [k, spread(v)]) });
    }
    blocks.push({ kind: 'heading', level: 3, text: `Newest crashes (${g.crashes.length} of ${g.count})` });
    blocks.push({
      kind: 'table',
      headers: ['crash', 'time', 'host', 'version'],
      rows: g.crashes.map((c) => [c.id.slice(0, 12), c.time, c.host ?? '—', c.version ?? '—']),
    });
  }
  if (data.notes && (data.notes.text || data.notes.ticket)) {
    blocks.push({ kind: 'heading', level: 2, text: 'Notes' });
    if (data.notes.ticket) blocks.push({ kind: 'link', label: 'Ticket', url: data.notes.ticket });
    if (data.notes.text) blocks.push({ kind: 'paragraph', text: data.notes.text });
  }
  for (const block of crashBlocks(data.crash, g ? 'Representative crash' : 'Summary')) blocks.push(block);
  return blocks;
}
