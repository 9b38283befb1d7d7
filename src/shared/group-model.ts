/** Crash groups: their summaries, queries, facets, notes and the diff of a crash against its group. */

import type { Frame } from './crash-model';

/** What people keep on a group: free text and the ticket it is tracked in. */
export interface GroupNotes {
  text: string;
  /** An http(s) link to the ticket, or null. */
  ticket: string | null;
  updatedAt: string | null;
}

/** A group's place in triage, in the order the workflow goes. */
export const GROUP_STATUSES = ['new', 'ongoing', 'resolved', 'regressed'] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];

/** A grouping change a person made, and the id that undoes it. */
export interface GroupingChange {
  undoId: number;
  /** What was done, in words, for the notice that offers Undo. */
  summary: string;
}

/** A fingerprint's algorithm version and, unless the default rules made it, the id of the rules. */
export type FingerprintVersion = number | string;

export interface GroupSummary {
  id: number;
  title: string;
  fingerprint: string;
  /** The fingerprint version: the algorithm's (3) under the default rules, "3:<rules id>" under a database's or a project's own. */
  version: FingerprintVersion;
  mechanism: string;
  frames: string[];
  count: number;
  firstSeen: string;
  lastSeen: string;
  status: GroupStatus;
  /** Its crashes' versions and hosts, most common first (at most a few), and how many distinct ones there are. */
  versions: FacetValue[];
  versionCount: number;
  hosts: FacetValue[];
  hostCount: number;
  /** Crashes per day over the last 30 days, oldest first. */
  daily: number[];
  /** The ticket link kept on the group, and whether it has notes (the text is in its detail). */
  ticket: string | null;
  hasNotes: boolean;
}

export const GROUP_SORTS = ['title', 'count', 'firstSeen', 'lastSeen', 'status', 'versions', 'hosts', 'trend'] as const;
/** Orders of the triage table; `trend` is the number of crashes in the last 30 days. */
export type GroupSort = (typeof GROUP_SORTS)[number];

/** A window of the sorted groups: the table asks for the rows it is about to show. */
export interface GroupPage {
  sort: GroupSort;
  desc: boolean;
  offset: number;
  limit: number;
}

export const FACETS = ['executable', 'version', 'hostname', 'signal'] as const;
export type Facet = (typeof FACETS)[number];

/** What the triage view filters groups by: words, a time range, and facet values. */
export interface GroupQuery {
  text?: string;
  since?: string;
  until?: string;
  executable?: string;
  version?: string;
  hostname?: string;
  signal?: string;
  /** Only groups in this triage state. */
  status?: GroupStatus;
  /** Other attributes that must have these values (pod, namespace, custom key=value …). */
  attributes?: Record<string, string>;
}

export interface FacetValue {
  value: string;
  count: number;
}

export interface GroupListing {
  /** The requested page of groups, or all of them when no page was asked for. */
  groups: GroupSummary[];
  /** Groups that match the query. */
  total: number;
  /** Crashes that match the query. */
  crashes: number;
  /** Groups that match the query but for its status, by status: what the list's header counts. */
  byStatus: Record<GroupStatus, number>;
}

/** Counts per facet, and per other attribute (application, pod, namespace, uname fields, custom ones). */
export type FacetCounts = Record<Facet, FacetValue[]> & { attributes: Record<string, FacetValue[]> };

/** One group up close: how its crashes spread over attributes and days, and a typical stack. */
export interface GroupDetail {
  group: GroupSummary;
  /** Per attribute (hostname, version, …) its values with their counts, most common first. */
  attributes: Record<string, FacetValue[]>;
  /** The group's first crash, whose crashing stack stands for the group. */
  representative: {
    crashId: string;
    frames: Frame[];
    /** The crashed program, and the build-ids of the modules on the stack: what finds their source. */
    executable: string | null;
    buildIds: Record<string, string>;
  } | null;
  /** Crashes per day over the last 30 days, oldest first, days without crashes included. */
  daily: Array<{ day: string; count: number }>;
  notes: GroupNotes;
}

/**
 * How a crash's stack lines up with another's (the group's representative): frames matched by
 * normalized function name, in order.
 *  same: same function at the same file:line; moved: same function, other line (a shifted
 *  build); added: only in the crash; removed: only in the base stack.
 */
export type FrameDiffKind = 'same' | 'moved' | 'added' | 'removed';

export interface StackDiffRow {
  kind: FrameDiffKind;
  base: Frame | null;
  other: Frame | null;
}

export interface StackDiff {
  baseCrashId: string;
  crashId: string;
  /** Whether both crashes have the same fingerprint. */
  sameFingerprint: boolean;
  rows: StackDiffRow[];
}

export interface CrashEvent {
  id: string;
  groupId: number | null;
  fingerprint: string | null;
  source: string;
  signal: string;
  executable: string | null;
  timestamp: string;
  attributes: Record<string, string>;
}

/** One rule's effect on one frame of a fingerprinted stack. */
export interface FrameNote {
  /** The rule's line in its rules text. */
  line: number;
  rule: string;
  action: string;
  effect: string;
}

/** One frame of the crashing stack and its part in the fingerprint. */
export interface FrameExplanation {
  index: number;
  /** The normalized name grouping compares. */
  name: string;
  /** Whether it counts as the program's own (a rule's `+app`/`-app`). */
  app: boolean;
  /** In the signature, significant (compared for similarity) but past the signature, or left out. */
  verdict: 'signature' | 'significant' | 'left-out';
  reason: string;
  notes: FrameNote[];
}

/** How a crash's fingerprint came about, frame by frame (`crashwb explain`). */
export interface FingerprintExplanation {
  hash: string;
  title: string;
  mechanism: string;
  /** The line of the rule that named the mechanism; null when it is the signal's. */
  mechanismLine: number | null;
  /** The signature's parts. */
  frames: string[];
  /** The signature is the recursion cycle at the top of the stack. */
  cycle: boolean;
  /** A rule fingerprinted the crash by fixed values. */
  fixedLine: number | null;
  /** Frames found by scanning the stack: guesses, never counted. */
  scannedFrames: number;
  /** Which rules: "default", or the id of a rules text. */
  rules: string;
  stack: FrameExplanation[];
}

/** A line of a rules text that is not a rule, and why. */
export interface RuleProblem {
  line: number;
  message: string;
}

export interface PreviewGroup {
  /** The stored group's id; null for a group the new rules would make. */
  id: number | null;
  title: string;
  crashes: number;
}

/** What new grouping rules would do to the stored crashes, changing nothing. */
export interface RulesPreview {
  crashes: number;
  groupsBefore: number;
  groupsAfter: number;
  /** Crashes that would leave the company they keep now. */
  moved: number;
  /** How many new groups would gather several stored ones, and how many stored groups would come apart. */
  merged: number;
  split: number;
  /** Stored groups that would become one, largest first (the first few). */
  merges: Array<{ into: PreviewGroup; groups: PreviewGroup[] }>;
  /** Stored groups that would come apart, largest first (the first few). */
  splits: Array<{ group: PreviewGroup; into: PreviewGroup[] }>;
  warnings: string[];
}

/** A rules text checked: its errors by line, or what it would do. */
export interface RulesCheck {
  /** The rules' id ("default" or a hash of the text); empty when they have errors. */
  rules: string;
  errors: RuleProblem[];
  preview: RulesPreview | null;
}

/** The grouping rules the database's crashes, or one project's, are grouped by. */
export interface GroupingRulesInfo {
  text: string;
  /** "default", or the id of the rules in effect (part of every fingerprint's version). */
  rules: string;
  /** Whether they are this scope's own: for the database, not the default rules; for a project, not the database's. */
  own: boolean;
  /** The project these are the rules of; null for the database's. */
  project: string | null;
  /** Every project crashes carry (their `project` attribute) or that has rules of its own. */
  projects: string[];
}
