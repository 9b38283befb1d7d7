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

export interface GroupSummary {
  id: number;
  title: string;
  fingerprint: string;
  version: number;
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
