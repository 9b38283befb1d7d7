import { z } from 'zod';
import type {
  CrashComparison,
  FingerprintExplanation,
  GroupComparison,
  GroupingChange,
  GroupingRulesInfo,
  GroupNotes,
  GroupStatus,
  RulesCheck,
  StackDiff,
} from '../model';
import { GROUP_STATUSES } from '../model';
import { crashId, groupId } from './fields';

/** Deciding about crashes: comparing them, the grouping rules, and every change to the groups (undoable). */
export interface TriageApi {
  /** A crash's stack aligned against its group's representative. */
  diffWithGroup(crashId: string): Promise<StackDiff>;
  compareCrashes(a: string, b: string): Promise<CrashComparison>;
  compareGroups(a: number, b: number): Promise<GroupComparison>;
  /** How a crash's fingerprint came about, frame by frame: which rule counted or dropped each frame. */
  explainFingerprint(crashId: string, rulesText?: string): Promise<FingerprintExplanation>;
  /**
   * A grouping rules text's errors by line, or which groups it would merge and split as the rules
   * of the database (`project` null or absent) or of one project; nothing changes.
   */
  checkGroupingRules(text: string, project?: string | null): Promise<RulesCheck>;
  /** The grouping rules in effect for the database's crashes, or for one project's. */
  getGroupingRules(project?: string | null): Promise<GroupingRulesInfo>;
  /**
   * Makes a rules text the database's or a project's and regroups by it; can be undone. Null gives
   * the database the default rules back, and a project the database's.
   */
  applyGroupingRules(text: string | null, project?: string | null): Promise<GroupingChange>;
  /** Sets a group's status; the change can be undone. */
  setGroupStatus(groupId: number, status: GroupStatus): Promise<GroupingChange>;
  /** Keeps notes and a ticket link on a group; they follow its crashes through merges and regroups. */
  setGroupNotes(groupId: number, notes: { text: string; ticket: string | null }): Promise<GroupNotes>;
  /** Merges a group into another; the merge survives regrouping, and can be undone. */
  mergeGroups(sourceId: number, targetId: number): Promise<GroupingChange>;
  /** Moves a crash into a new group of its own; the move survives regrouping, and can be undone. */
  moveCrashToNewGroup(crashId: string): Promise<{ groupId: number; change: GroupingChange }>;
  /** Puts back a merge, move-out or status change; says what was put back. */
  undoGroupingChange(undoId: number): Promise<string>;
}

/** A grouping rules text: a few hundred lines at most in practice; 256 KiB leaves room. */
const rulesText = z.string().max(256 * 1024);
/** Whose grouping rules: a project's (the value of crashes' `project` attribute), or null for the database's. */
const rulesScope = z.string().min(1).max(256).nullable();
const groupNotesSchema = z
  .object({
    text: z.string().max(65_536),
    ticket: z
      .string()
      .max(2048)
      .regex(/^(?:https?:\/\/\S+)?$/, 'an http(s) link')
      .nullable(),
  })
  .strict();

export const triageCalls = {
  diffWithGroup: z.tuple([crashId]),
  compareCrashes: z.tuple([crashId, crashId]),
  compareGroups: z.tuple([groupId, groupId]),
  explainFingerprint: z.union([z.tuple([crashId]), z.tuple([crashId, rulesText])]),
  checkGroupingRules: z.union([z.tuple([rulesText]), z.tuple([rulesText, rulesScope])]),
  getGroupingRules: z.union([z.tuple([]), z.tuple([rulesScope])]),
  applyGroupingRules: z.union([z.tuple([rulesText.nullable()]), z.tuple([rulesText.nullable(), rulesScope])]),
  setGroupStatus: z.tuple([groupId, z.enum(GROUP_STATUSES)]),
  setGroupNotes: z.tuple([groupId, groupNotesSchema]),
  mergeGroups: z.tuple([groupId, groupId]),
  moveCrashToNewGroup: z.tuple([crashId]),
  undoGroupingChange: z.tuple([z.number().int().positive()]),
} satisfies Record<keyof TriageApi, z.ZodTypeAny>;
