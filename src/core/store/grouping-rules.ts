import type { Crash } from '../../shared/model';
import { FINGERPRINT_VERSION, fingerprint, versionTag, type Fingerprint } from '../fingerprint/fingerprint';
import { compileRules, defaultRuleset, type Ruleset } from '../fingerprint/rules/ruleset';
import type { CrashStore } from './crash-store';
import type { Db } from './database';
import type { GroupStore } from './group-store';
import { indexCrash } from './search-index';
import { heirGroups } from '../fingerprint/rules/rules-preview';

const SETTING = 'groupingRules';
const PROJECT_SETTING = 'groupingRulesByProject';
/** The fingerprint version the database's crashes were last grouped with. */
const GROUPED_WITH = 'groupedWithFingerprintVersion';

/** The attribute that names a crash's project (set by `--attr project=NAME`, or by the reporter it came from). */
export const PROJECT_ATTRIBUTE = 'project';

export const projectOf = (crash: Crash): string | null => crash.attributes[PROJECT_ATTRIBUTE] || null;

/** Which rules fingerprint each crash: its project's own, else the database's. */
export type RulesFor = (crash: Crash) => Ruleset;

export interface RulesApplied {
  rules: string;
  /** The project whose rules these are; null for the database's. */
  project: string | null;
  regrouped: number;
  groupsRemoved: number;
  /** The rules in effect before, for undo: null when they were the default ones. */
  previous: string | null;
}

/**
 * The database's grouping rules, and regrouping every stored crash by new ones. Group identity
 * survives a change of rules where the grouping does: a group whose crashes stay together keeps
 * its id, status and notes under its new fingerprint, and so does the largest part of a group
 * that splits, or the largest group of those that merge. Manual merges and move-outs still win.
 */
export class GroupingRules {
  /** Compiled rules by their text (null: the default rules): a text changed by another process is simply another key. */
  private readonly compiled = new Map<string | null, Ruleset>();

  constructor(
    private readonly db: Db,
    private readonly store: CrashStore,
    private readonly groups: GroupStore,
  ) {}

  private projectTexts(): Record<string, { text: string }> {
    return this.store.getSetting<Record<string, { text: string }>>(PROJECT_SETTING, {});
  }

  /**
   * The rules text a database (project null) or a project has of its own; null when it has
   * none: the database then follows the default rules, and a project the database's.
   */
  ownText(project: string | null = null): string | null {
    if (project !== null) return this.projectTexts()[project]?.text ?? null;
    return this.store.getSetting<{ text: string } | null>(SETTING, null)?.text ?? null;
  }

  text(project: string | null = null): string {
    return this.ruleset(project).text;
  }

  private compiledOf(text: string | null): Ruleset {
    let ruleset = this.compiled.get(text);
    if (!ruleset) {
      ruleset = text === null ? defaultRuleset() : compileRules(text, 'the grouping rules stored in the database');
      this.compiled.set(text, ruleset);
    }
    return ruleset;
  }

  /**
   * The rules of every scope as the settings hold them now, read once for a pass over many
   * crashes: a project's own, else the database's, else the default rules.
   */
  private lookup(): (project: string | null) => Ruleset {
    const projects = this.projectTexts();
    const database = this.ownText();
    return (project) => this.compiledOf((project !== null ? projects[project]?.text : undefined) ?? database);
  }

  /** The rules in effect for the database's crashes (project null) or for one project's. */
  ruleset(project: string | null = null): Ruleset {
    return this.lookup()(project);
  }

  /** The rules that fingerprint this crash: its project's own, else the database's. */
  rulesetFor(crash: Crash): Ruleset {
    return this.ruleset(projectOf(crash));
  }

  /** The rules that fingerprint each crash, as the settings hold them now. */
  rulesForCrashes(): RulesFor {
    const lookup = this.lookup();
    return (crash) => lookup(projectOf(crash));
  }

  /**
   * Which rules would fingerprint each crash were `ruleset` the rules of `project` (null: of the
   * database): a project's crashes, or those of the database that no project's own rules take.
   */
  rulesForChange(ruleset: Ruleset, project: string | null): RulesFor {
    const own = new Set(Object.keys(this.projectTexts()));
    const lookup = this.lookup();
    return (crash) => {
      const of = projectOf(crash);
      const governed = project === null ? of === null || !own.has(of) : of === project;
      return governed ? ruleset : lookup(of);
    };
  }

  /** The projects crashes carry, and those with rules of their own, by name. */
  projects(): string[] {
    const stored = this.db
      .prepare(
        `SELECT DISTINCT json_extract(attributes, '$.${PROJECT_ATTRIBUTE}') AS project FROM crashes WHERE project IS NOT NULL AND project != ''`,
      )
      .all() as Array<{ project: string }>;
    return [...new Set([...stored.map((r) => String(r.project)), ...Object.keys(this.projectTexts())])].sort();
  }

  /** Each crash's fingerprint version as it should be under the rules in effect: what `regroup` finds stale. */
  staleCrashIds(): string[] {
    const rows = this.db
      .prepare(`SELECT id, fingerprint_version AS version, json_extract(attributes, '$.${PROJECT_ATTRIBUTE}') AS project FROM crashes`)
      .all() as Array<{ id: string; version: number | string | null; project: string | null }>;
    const lookup = this.lookup();
    const expected = (project: string | null) =>
      versionTag({ version: FINGERPRINT_VERSION, rules: lookup(project === null ? null : String(project)).id });
    return rows.filter((r) => r.version !== expected(r.project)).map((r) => r.id);
  }

  /**
   * Regroups every crash when any was fingerprinted by another algorithm version or other rules,
   * as a change of rules does: each group kept by the largest part of its crashes, with its
   * status and notes, and what a person merged kept merged. Nothing happens when none is stale.
   */
  regroupStale(): { regrouped: number; groupsRemoved: number } {
    const stale = this.staleCrashIds().length;
    if (stale === 0) return { regrouped: 0, groupsRemoved: 0 };
    let result = { regrouped: 0, groupsRemoved: 0 };
    this.db.transaction(() => {
      result = this.regroupAll(this.rulesForCrashes());
    })();
    return { regrouped: stale, groupsRemoved: result.groupsRemoved };
  }

  /**
   * After an upgrade that changed the fingerprint's algorithm, regroups the database once, on
   * its first opening: the version it was last grouped with is kept in its settings, so every
   * later opening costs one read.
   */
  regroupAfterUpgrade(): { regrouped: number; groupsRemoved: number } {
    if (this.store.getSetting<number | null>(GROUPED_WITH, null) === FINGERPRINT_VERSION) return { regrouped: 0, groupsRemoved: 0 };
    const result = this.regroupStale();
    this.store.setSetting(GROUPED_WITH, FINGERPRINT_VERSION);
    return result;
  }

  /** The rules a text makes for a scope; null: the default rules for the database, the database's for a project. */
  private rulesOf(text: string | null, project: string | null, what: string): Ruleset {
    if (text !== null) return compileRules(text, what);
    return project === null ? defaultRuleset() : this.ruleset(null);
  }

  private save(text: string | null, ruleset: Ruleset, project: string | null): void {
    const own = text === null || (project === null && ruleset.id === 'default') ? null : text;
    if (project === null) this.store.setSetting(SETTING, own === null ? null : { text: own });
    else {
      const texts = { ...this.projectTexts() };
      if (own === null) delete texts[project];
      else texts[project] = { text: own };
      this.store.setSetting(PROJECT_SETTING, texts);
    }
  }

  /**
   * Makes `text` the rules of the database (project null) or of one project, and regroups every
   * crash by the rules then in effect for it. Null gives the database the default rules back,
   * and a project the database's.
   */
  apply(text: string | null, project: string | null = null): RulesApplied {
    const ruleset = this.rulesOf(text, project, 'the new grouping rules');
    const previous = this.ownText(project);
    let result = { regrouped: 0, groupsRemoved: 0 };
    this.db.transaction(() => {
      result = this.regroupAll(this.rulesForChange(ruleset, project));
      this.save(text, ruleset, project);
    })();
    return { rules: ruleset.id, project, ...result, previous };
  }

  /**
   * Puts back earlier rules of the database or a project, and the grouping `putBack` restores;
   * crashes it does not know (stored since) are grouped by the rules then in effect. Returns the
   * rules' id.
   */
  restore(text: string | null, putBack: () => string[], project: string | null = null): string {
    const ruleset = this.rulesOf(text, project, 'the grouping rules to put back');
    this.db.transaction(() => {
      const newer = putBack();
      this.save(text, ruleset, project);
      const rulesFor = this.rulesForCrashes();
      for (const id of newer) {
        const crash = this.store.get(id);
        if (crash) this.groups.assign(id, fingerprint(crash, rulesFor(crash)), crash.timestamp);
      }
      // Read whole before writing: the connection takes no writes while an iteration is open.
      for (const { analysis, title } of [...this.groups.membershipsWithAnalyses()])
        indexCrash(this.db, JSON.parse(analysis) as Crash, title);
      this.groups.dropEmptyGroups();
    })();
    return ruleset.id;
  }

  /** Every stored crash, where it is now, and its fingerprint under `rulesFor`: what a preview and an apply both read. */
  refingerprint(
    rulesFor: RulesFor,
  ): Array<{ crash: Crash; groupId: number | null; groupTitle: string; oldHash: string | null; fp: Fingerprint }> {
    const out: Array<{ crash: Crash; groupId: number | null; groupTitle: string; oldHash: string | null; fp: Fingerprint }> = [];
    for (const member of this.groups.membershipsWithAnalyses()) {
      const crash = JSON.parse(member.analysis) as Crash;
      out.push({
        crash,
        groupId: member.groupId,
        groupTitle: member.title,
        oldHash: member.fingerprint,
        fp: fingerprint(crash, rulesFor(crash)),
      });
    }
    return out;
  }

  private regroupAll(rulesFor: RulesFor): { regrouped: number; groupsRemoved: number } {
    const crashes = this.refingerprint(rulesFor);
    const heirs = heirGroups(crashes.map((c) => ({ groupId: c.groupId, hash: c.fp.hash })));
    // What a person merged stays merged: each old fingerprint linked to a group leads its crashes'
    // new fingerprints there, unless the group is theirs anyway; and the other crashes of a merged
    // group keep to it where their new fingerprint carries on no group of its own.
    const links = this.db.prepare('SELECT fingerprint, group_id AS groupId FROM group_links').all() as Array<{
      fingerprint: string;
      groupId: number;
    }>;
    const linkedTo = new Map(links.map((l) => [l.fingerprint, l.groupId]));
    const merged = new Set(links.map((l) => l.groupId));
    const newLinks = new Map<string, number>();
    for (const c of crashes) {
      const target = c.oldHash === null ? undefined : linkedTo.get(c.oldHash);
      const heir = heirs.get(c.fp.hash);
      if (target !== undefined && heir !== target) newLinks.set(c.fp.hash, target);
      else if (target === undefined && c.groupId !== null && merged.has(c.groupId) && heir === undefined && !newLinks.has(c.fp.hash))
        newLinks.set(c.fp.hash, c.groupId);
    }
    const noted = this.groups.notes.notedMembers();
    // Fingerprints are unique: every group lets go of its old one before the heirs take the new ones.
    this.db.prepare("UPDATE groups SET fingerprint = 'superseded:' || id").run();
    const take = this.db.prepare('UPDATE groups SET fingerprint = ?, version = ?, title = ?, mechanism = ?, frames = ? WHERE id = ?');
    const byHash = new Map(crashes.map((c) => [c.fp.hash, c.fp]));
    for (const [hash, groupId] of heirs) {
      const fp = byHash.get(hash) as Fingerprint;
      take.run(hash, versionTag(fp), fp.title, fp.mechanism, JSON.stringify(fp.frames), groupId);
    }
    this.db.prepare('DELETE FROM group_links').run();
    const link = this.db.prepare('INSERT INTO group_links (fingerprint, group_id) VALUES (?, ?)');
    for (const [hash, groupId] of newLinks) link.run(hash, groupId);
    for (const c of crashes) {
      this.groups.assign(c.crash.id, c.fp, c.crash.timestamp);
      indexCrash(this.db, c.crash, c.fp.title);
    }
    this.groups.notes.followMembers(noted);
    return { regrouped: crashes.length, groupsRemoved: this.groups.dropEmptyGroups() };
  }
}
