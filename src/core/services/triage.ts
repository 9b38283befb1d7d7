import type {
  Crash,
  CrashComparison,
  FingerprintExplanation,
  GroupComparison,
  GroupingChange,
  GroupingRulesInfo,
  GroupNotes,
  GroupStatus,
  RulesCheck,
  StackDiff,
} from '../../shared/model';
import type { TriageApi } from '../../shared/services/triage';
import type { GroupingUndo } from '../store/grouping-undo';
import { compareCrashes, compareGroups } from '../compare/compare';
import { diffStacks } from '../compare/stack-diff';
import { crashingThread } from '../../shared/crashing-thread';
import { explainFingerprint } from '../fingerprint/fingerprint';
import { parseRules } from '../fingerprint/rules/rule-syntax';
import { compileRules } from '../fingerprint/rules/ruleset';
import { previewGrouping, type Placement } from '../fingerprint/rules/rules-preview';
import type { CrashStore } from '../store/crash-store';
import type { Db } from '../store/database';
import { groupDetail, representativeCrash } from '../store/group-detail';
import type { GroupStore } from '../store/group-store';
import type { GroupingRules } from '../store/grouping-rules';

/**
 * Deciding about crashes: diffs against representatives, comparisons, the grouping rules, and
 * every change to the groups, each in one transaction and undoable.
 */
export class TriageService implements TriageApi {
  constructor(
    private readonly db: Db,
    private readonly store: CrashStore,
    private readonly groups: GroupStore,
    private readonly rules: GroupingRules,
    private readonly undo: GroupingUndo,
  ) {}

  private crash(id: string): Crash {
    const crash = this.store.get(id);
    if (!crash) throw new Error(`no crash with id ${id}`);
    return crash;
  }

  async diffWithGroup(crashId: string): Promise<StackDiff> {
    const crash = this.crash(crashId);
    const { groupId, fingerprint: own } = this.groups.groupOf(crashId);
    if (groupId === null) throw new Error(`crash ${crashId} is in no group yet; run crashwb regroup`);
    const base = representativeCrash(this.db, groupId);
    if (!base) throw new Error(`group ${groupId} has no crashes`);
    return {
      baseCrashId: base.id,
      crashId,
      sameFingerprint: own !== null && own === this.groups.groupOf(base.id).fingerprint,
      rows: diffStacks(crashingThread(base)?.frames ?? [], crashingThread(crash)?.frames ?? []),
    };
  }

  async compareCrashes(a: string, b: string): Promise<CrashComparison> {
    const [ca, cb] = [this.crash(a), this.crash(b)];
    const [pa, pb] = [this.groups.groupOf(a), this.groups.groupOf(b)];
    const title = (c: Crash, groupId: number | null) => (groupId === null ? c.signal.explanation : this.groups.title(groupId));
    return compareCrashes(ca, cb, pa, pb, { a: title(ca, pa.groupId), b: title(cb, pb.groupId) }, this.rules.rulesForCrashes());
  }

  async compareGroups(a: number, b: number): Promise<GroupComparison> {
    return compareGroups(
      groupDetail(this.db, a),
      groupDetail(this.db, b),
      representativeCrash(this.db, a),
      representativeCrash(this.db, b),
      this.rules.rulesForCrashes(),
    );
  }

  /** How a stored crash's fingerprint came about, frame by frame, under the given rules or those in effect for it. */
  async explainFingerprint(crashId: string, rulesText?: string): Promise<FingerprintExplanation> {
    const crash = this.crash(crashId);
    const ruleset = rulesText === undefined ? this.rules.rulesetFor(crash) : compileRules(rulesText, 'the rules given');
    return explainFingerprint(crash, ruleset);
  }

  /**
   * A rules text's errors by line or, when it has none, what it would do to the stored crashes
   * as the rules of the database (project null) or of one project.
   */
  async checkGroupingRules(text: string, project: string | null = null): Promise<RulesCheck> {
    const { errors } = parseRules(text);
    if (errors.length > 0) return { rules: '', errors, preview: null };
    const ruleset = compileRules(text, 'the rules given');
    const placements: Placement[] = this.rules
      .refingerprint(this.rules.rulesForChange(ruleset, project))
      .map((c) => ({ groupId: c.groupId, groupTitle: c.groupTitle, hash: c.fp.hash, title: c.fp.title }));
    return { rules: ruleset.id, errors: [], preview: previewGrouping(placements) };
  }

  /** The grouping rules in effect for the database (project null) or a project, and whether they are its own. */
  async getGroupingRules(project: string | null = null): Promise<GroupingRulesInfo> {
    const ruleset = this.rules.ruleset(project);
    return { text: ruleset.text, rules: ruleset.id, own: this.rules.ownText(project) !== null, project, projects: this.rules.projects() };
  }

  /**
   * Makes a rules text (null: the default rules) this database's and regroups every crash by it,
   * keeping notes, statuses and manual merges and move-outs; undone as one step.
   */
  async applyGroupingRules(text: string | null, project: string | null = null): Promise<GroupingChange> {
    return this.db.transaction(() => this.undo.applyRules(text, project))();
  }

  async setGroupNotes(groupId: number, notes: { text: string; ticket: string | null }): Promise<GroupNotes> {
    return this.groups.notes.set(groupId, notes);
  }

  async setGroupStatus(groupId: number, status: GroupStatus): Promise<GroupingChange> {
    return this.db.transaction(() => this.undo.setStatus(groupId, status))();
  }

  async mergeGroups(sourceId: number, targetId: number): Promise<GroupingChange> {
    return this.db.transaction(() => this.undo.merge(sourceId, targetId))();
  }

  async moveCrashToNewGroup(crashId: string): Promise<{ groupId: number; change: GroupingChange }> {
    return this.db.transaction(() => this.undo.moveOut(crashId))();
  }

  async undoGroupingChange(undoId: number): Promise<string> {
    return this.db.transaction(() => this.undo.undo(undoId))();
  }

  /**
   * Regroups the crashes fingerprinted by another algorithm version or other rules, keeping each
   * group's identity, status and notes and every manual merge; nothing when none is stale.
   */
  regroup(): { regrouped: number; groupsRemoved: number } {
    return this.rules.regroupStale();
  }
}
