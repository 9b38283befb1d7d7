import type { Crash, CrashComparison, FingerprintExplanation, GroupComparison, RulesCheck, StackDiff } from '../shared/model';
import { compareCrashes, compareGroups } from './compare/compare';
import { diffStacks } from './compare/stack-diff';
import { crashingThread } from '../shared/crashing-thread';
import { explainFingerprint, fingerprint } from './fingerprint/fingerprint';
import { parseRules } from './fingerprint/rules/rule-syntax';
import { compileRules } from './fingerprint/rules/ruleset';
import { previewGrouping, type Placement } from './fingerprint/rules/rules-preview';
import type { CrashStore } from './store/crash-store';
import type { Db } from './store/database';
import { groupDetail, representativeCrash } from './store/group-detail';
import type { GroupStore } from './store/group-store';
import type { GroupingRules } from './store/grouping-rules';
import { indexCrash } from './store/search-index';

/** What reads across groups: diffs against representatives, comparisons, and regrouping. */
export class Triage {
  constructor(
    private readonly db: Db,
    private readonly store: CrashStore,
    private readonly groups: GroupStore,
    private readonly rules: GroupingRules,
  ) {}

  private crash(id: string): Crash {
    const crash = this.store.get(id);
    if (!crash) throw new Error(`no crash with id ${id}`);
    return crash;
  }

  diffWithGroup(crashId: string): StackDiff {
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

  compareCrashes(a: string, b: string): CrashComparison {
    const [ca, cb] = [this.crash(a), this.crash(b)];
    const [pa, pb] = [this.groups.groupOf(a), this.groups.groupOf(b)];
    const title = (c: Crash, groupId: number | null) => (groupId === null ? c.signal.explanation : this.groups.title(groupId));
    return compareCrashes(ca, cb, pa, pb, { a: title(ca, pa.groupId), b: title(cb, pb.groupId) }, this.rules.rulesForCrashes());
  }

  compareGroups(a: number, b: number): GroupComparison {
    return compareGroups(
      groupDetail(this.db, a),
      groupDetail(this.db, b),
      representativeCrash(this.db, a),
      representativeCrash(this.db, b),
      this.rules.rulesForCrashes(),
    );
  }

  /** How a stored crash's fingerprint came about, frame by frame, under the given rules or those in effect for it. */
  explain(crashId: string, rulesText?: string): FingerprintExplanation {
    const crash = this.crash(crashId);
    const ruleset = rulesText === undefined ? this.rules.rulesetFor(crash) : compileRules(rulesText, 'the rules given');
    return explainFingerprint(crash, ruleset);
  }

  /**
   * A rules text's errors by line or, when it has none, what it would do to the stored crashes
   * as the rules of the database (project null) or of one project.
   */
  checkRules(text: string, project: string | null = null): RulesCheck {
    const { errors } = parseRules(text);
    if (errors.length > 0) return { rules: '', errors, preview: null };
    const ruleset = compileRules(text, 'the rules given');
    const placements: Placement[] = this.rules
      .refingerprint(this.rules.rulesForChange(ruleset, project))
      .map((c) => ({ groupId: c.groupId, groupTitle: c.groupTitle, hash: c.fp.hash, title: c.fp.title }));
    return { rules: ruleset.id, errors: [], preview: previewGrouping(placements) };
  }

  /** Recomputes fingerprints made by another algorithm version or other rules; notes follow the crashes out of emptied groups. */
  regroup(): { regrouped: number; groupsRemoved: number } {
    const stale = this.rules.staleCrashIds();
    let groupsRemoved = 0;
    this.db.transaction(() => {
      const noted = this.groups.notes.notedMembers();
      const rulesFor = this.rules.rulesForCrashes();
      for (const id of stale) {
        const crash = this.store.get(id);
        if (!crash) continue;
        const fp = fingerprint(crash, rulesFor(crash));
        this.groups.assign(id, fp, crash.timestamp);
        indexCrash(this.db, crash, fp.title);
      }
      this.groups.notes.followMembers(noted);
      groupsRemoved = this.groups.dropEmptyGroups();
    })();
    return { regrouped: stale.length, groupsRemoved };
  }
}
