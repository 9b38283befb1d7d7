/**
 * The model of what leaves the workbench and what compares crashes: exports with their
 * redaction, comparisons, trends and the notes people keep on a group. JSON-safe like model.ts.
 */
import type { FacetValue, GroupSummary, StackDiffRow } from './group-model';

export const EXPORT_FORMATS = ['md', 'html', 'json', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type ExportTarget = { kind: 'crash'; id: string } | { kind: 'group'; id: number };

/** What redaction removes before a report leaves; kept in the settings, changeable per export. */
export interface RedactionRules {
  /** Values of environment variables (names stay: LD_PRELOAD=[redacted] still says something). */
  environment: boolean;
  /** Command-line arguments, attribute values and text that look like tokens, passwords, keys, URLs with credentials. */
  secrets: boolean;
  /** /home/NAME, /Users/NAME and /root become ~. */
  homePaths: boolean;
  hostnames: boolean;
  ipAddresses: boolean;
  /** Attribute keys whose values are always removed, besides those named like secrets. */
  keys: string[];
  /** Regular expressions whose matches are removed wherever they occur. */
  patterns: string[];
}

export type RedactionRule = 'environment' | 'secret' | 'home-path' | 'hostname' | 'ip-address' | 'key' | 'pattern';

/** One removal: which rule, where in the report, and the text that was taken out (shown only in the preview). */
export interface Redaction {
  rule: RedactionRule;
  /** The first place it was found. */
  where: string;
  text: string;
  /** How many places held the same text. */
  count: number;
}

export interface ExportRequest {
  target: ExportTarget;
  format: ExportFormat;
  /** false exports everything as it is. */
  redact: boolean;
  /** The rules for this export; the saved ones when absent. */
  rules?: RedactionRules;
}

/** What an export would remove, and the redacted report as Markdown, before anything is written. */
export interface ExportPreview {
  rules: RedactionRules;
  removed: Redaction[];
  markdown: string;
}

export interface ExportFile {
  fileName: string;
  mimeType: string;
  /** The file's bytes, base64: PDFs are binary, and one shape serves every format. */
  base64: string;
  removed: Redaction[];
}

/** One part of the fingerprint and whether two crashes (or groups) share it. */
export interface FingerprintPartMatch {
  part: 'mechanism' | 'frames' | 'algorithm' | 'manual';
  same: boolean;
  a: string;
  b: string;
}

/** Why two crashes are in the same group, or not, in words and by part. */
export interface GroupingExplanation {
  sameGroup: boolean;
  sameFingerprint: boolean;
  parts: FingerprintPartMatch[];
  summary: string;
  /**
   * How each side's fingerprint came about under the grouping rules, a line a step, with the
   * rules' line numbers; null where a side has no crash to read (a group without one).
   */
  how: { a: string[]; b: string[] } | null;
}

export interface ValueDiff {
  key: string;
  a: string | null;
  b: string | null;
  same: boolean;
}

export interface ComparedCrash {
  id: string;
  groupId: number | null;
  title: string;
  signal: string;
  executable: string | null;
  timestamp: string;
}

export interface CrashComparison {
  a: ComparedCrash;
  b: ComparedCrash;
  /** The crashing threads' stacks, a as the base. */
  stack: StackDiffRow[];
  attributes: ValueDiff[];
  /** The crashing threads' registers. */
  registers: ValueDiff[];
  explanation: GroupingExplanation;
}

export interface AttributeSpreadDiff {
  key: string;
  a: FacetValue[];
  b: FacetValue[];
}

export interface GroupComparison {
  a: GroupSummary;
  b: GroupSummary;
  /** The representatives' stacks. */
  stack: StackDiffRow[];
  attributes: AttributeSpreadDiff[];
  explanation: GroupingExplanation;
  /** 0..1: how alike the representatives' stacks are. */
  similarity: number;
}

/** A group whose stack is near another's: a merge suggestion, never applied on its own. */
export interface SimilarGroup {
  group: GroupSummary;
  similarity: number;
  /** What they share and where they part, in words. */
  reason: string;
}

export interface DayCount {
  day: string;
  count: number;
}

/** How crashing goes: per day, and which groups appeared or came back in the window. */
export interface Trends {
  days: number;
  daily: DayCount[];
  /** Groups whose first crash is in the window. */
  newGroups: GroupSummary[];
  /** Groups that were resolved and crashed again, with a crash in the window. */
  regressed: GroupSummary[];
}

/** Values of one attribute among the matching crashes, like morgue --histogram. */
export interface Histogram {
  attribute: string;
  values: FacetValue[];
  /** Matching crashes without the attribute. */
  missing: number;
}
