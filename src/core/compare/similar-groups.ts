import type { Crash, SimilarGroup } from '../../shared/model';
import type { Ruleset } from '../fingerprint/rules/ruleset';
import { mechanismName, significantNames } from '../fingerprint/fingerprint';
import type { Db } from '../store/database';
import { representativeCrash } from '../store/group-detail';
import { groupSummaries } from '../store/group-queries';
import { ftsQuery } from '../store/search-index';
import { stackSimilarity } from './similarity';

/** Names searched for candidates: the top of the stack, where two groups of one bug meet. */
const SEARCHED_NAMES = 6;
const MAX_CANDIDATES = 200;
const MIN_SIMILARITY = 0.5;
const SUGGESTIONS = 5;
/** A different mechanism (assert vs segfault) makes the same stack a weaker match. */
const OTHER_MECHANISM = 0.85;

/**
 * Groups whose representative stack is near this group's: candidates found by full-text search
 * on the top frame names, then scored by weighted stack alignment. Suggestions only; nothing merges.
 */
export function similarGroups(
  db: Db,
  groupId: number,
  /** The rules that fingerprint each crash, whose significant frames are compared. */
  rulesFor: (crash: Crash) => Ruleset,
  now = Date.now(),
): SimilarGroup[] {
  const own = db.prepare('SELECT mechanism FROM groups WHERE id = ?').get(groupId) as { mechanism: string } | undefined;
  if (!own) throw new Error(`no group with id ${groupId}`);
  const target = representativeCrash(db, groupId);
  if (!target) return [];
  const names = significantNames(target, rulesFor(target));
  const queries = names
    .slice(0, SEARCHED_NAMES)
    .filter((n) => n !== 'main')
    .map((n) => ftsQuery(n))
    .filter((q): q is string => q !== null);
  if (queries.length === 0) return [];
  const candidates = db
    .prepare(
      `SELECT DISTINCT c.group_id AS id, g.mechanism FROM crash_search s JOIN crashes c ON c.rowid = s.rowid JOIN groups g ON g.id = c.group_id
       WHERE crash_search MATCH ? AND c.group_id != ? LIMIT ${MAX_CANDIDATES}`,
    )
    .all(queries.map((q) => `(${q})`).join(' OR '), groupId) as Array<{ id: number; mechanism: string }>;
  const scored = candidates.flatMap((c) => {
    const rep = representativeCrash(db, c.id);
    if (!rep) return [];
    const theirs = significantNames(rep, rulesFor(rep));
    const { score, shared } = stackSimilarity(names, theirs);
    const similarity = score * (c.mechanism === own.mechanism ? 1 : OTHER_MECHANISM);
    if (similarity < MIN_SIMILARITY) return [];
    const mechanism = c.mechanism === own.mechanism ? '' : `; ${mechanismName(own.mechanism)} vs ${mechanismName(c.mechanism)}`;
    const top = names[0] === theirs[0] ? '' : `; crashing in ${names[0] ?? '?'} vs ${theirs[0] ?? '?'}`;
    return [{ id: c.id, similarity, reason: `shares ${shared.slice(0, 4).join(' → ')}${shared.length > 4 ? ' …' : ''}${top}${mechanism}` }];
  });
  const best = scored.sort((a, b) => b.similarity - a.similarity || a.id - b.id).slice(0, SUGGESTIONS);
  const summaries = groupSummaries(
    db,
    best.map((s) => s.id),
    now,
  );
  return best.flatMap((s, i) => {
    const group = summaries[i];
    return group ? [{ group, similarity: Math.round(s.similarity * 100) / 100, reason: s.reason }] : [];
  });
}
