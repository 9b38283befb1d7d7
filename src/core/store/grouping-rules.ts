import type { Crash } from '../../shared/model';
import { fingerprint, versionTag, type Fingerprint } from '../fingerprint/fingerprint';
import { DEFAULT_RULES } from '../fingerprint/rules/default-rules';
import { compileRules, defaultRuleset, type Ruleset } from '../fingerprint/rules/ruleset';
import type { CrashStore } from './crash-store';
import type { Db } from './database';
import type { GroupStore } from './group-store';
import { indexCrash } from './search-index';
import { heirGroups } from '../fingerprint/rules/rules-preview';

const SETTING = 'groupingRules';

export interface RulesApplied {
  rules: string;
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
  private compiled: Ruleset | null = null;

  constructor(
    private readonly db: Db,
    private readonly store: CrashStore,
    private readonly groups: GroupStore,
  ) {}

  /** The rules text in effect: the database's own, or null for the default rules. */
  ownText(): string | null {
    return this.store.getSetting<{ text: string } | null>(SETTING, null)?.text ?? null;
  }

  text(): string {
    return this.ownText() ?? DEFAULT_RULES;
  }

  ruleset(): Ruleset {
    if (!this.compiled) {
      const own = this.ownText();
      this.compiled = own === null ? defaultRuleset() : compileRules(own, 'the grouping rules stored in the database');
    }
    return this.compiled;
  }

  /** Makes `text` (null: the default rules) the rules of this database and regroups every crash by them. */
  apply(text: string | null): RulesApplied {
    const ruleset = text === null ? defaultRuleset() : compileRules(text, 'the new grouping rules');
    const previous = this.ownText();
    let result = { regrouped: 0, groupsRemoved: 0 };
    this.db.transaction(() => {
      result = this.regroupAll(ruleset);
      this.store.setSetting(SETTING, text === null || ruleset.id === 'default' ? null : { text });
    })();
    this.compiled = ruleset;
    return { rules: ruleset.id, ...result, previous };
  }

  /**
   * Puts back earlier rules and the grouping `putBack` restores; crashes it does not know (stored
   * since) are grouped by those rules. Returns the rules' id.
   */
  restore(text: string | null, putBack: () => string[]): string {
    const ruleset = text === null ? defaultRuleset() : compileRules(text, 'the grouping rules to put back');
    this.db.transaction(() => {
      const newer = putBack();
      for (const id of newer) {
        const crash = this.store.get(id);
        if (crash) this.groups.assign(id, fingerprint(crash, ruleset), crash.timestamp);
      }
      for (const { crashId, title } of this.groups.memberships()) {
        const crash = this.store.get(crashId);
        if (crash) indexCrash(this.db, crash, title);
      }
      this.groups.dropEmptyGroups();
      this.store.setSetting(SETTING, text === null || ruleset.id === 'default' ? null : { text });
    })();
    this.compiled = ruleset;
    return ruleset.id;
  }

  /** Every stored crash, where it is now, and its fingerprint under `ruleset`: what a preview and an apply both read. */
  refingerprint(
    ruleset: Ruleset,
  ): Array<{ crash: Crash; groupId: number | null; groupTitle: string; oldHash: string | null; fp: Fingerprint }> {
    return this.groups.memberships().flatMap((member) => {
      const crash = this.store.get(member.crashId);
      return crash
        ? [{ crash, groupId: member.groupId, groupTitle: member.title, oldHash: member.fingerprint, fp: fingerprint(crash, ruleset) }]
        : [];
    });
  }

  private regroupAll(ruleset: Ruleset): { regrouped: number; groupsRemoved: number } {
    const crashes = this.refingerprint(ruleset);
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
