import type { PreviewGroup, RulesPreview } from '../../../shared/model';

/** One stored crash: the group it is in, and where the rules being tried would put it. */
export interface Placement {
  groupId: number | null;
  groupTitle: string;
  hash: string;
  title: string;
}

/** Examples of each kind shown, largest first. */
const EXAMPLES = 10;
/** Rules that put more than this share of the crashes (of at least MIN_CRASHES) into one group are suspect. */
const ONE_GROUP_SHARE = 0.5;
const MIN_CRASHES = 10;

/**
 * Compares the stored grouping with the one new rules would make. A stored group whose crashes
 * would get several fingerprints splits; a new fingerprint that would gather crashes of several
 * stored groups merges them. Each new group is named by the stored group that would carry on as
 * it (see heirGroups), as applying the rules does.
 */
export function previewGrouping(placements: Placement[]): RulesPreview {
  const byGroup = new Map<number | null, Map<string, number>>();
  const byHash = new Map<string, Map<number | null, number>>();
  const groupTitles = new Map<number | null, string>();
  const hashTitles = new Map<string, string>();
  for (const p of placements) {
    const hashes = byGroup.get(p.groupId) ?? new Map<string, number>();
    hashes.set(p.hash, (hashes.get(p.hash) ?? 0) + 1);
    byGroup.set(p.groupId, hashes);
    const groups = byHash.get(p.hash) ?? new Map<number | null, number>();
    groups.set(p.groupId, (groups.get(p.groupId) ?? 0) + 1);
    byHash.set(p.hash, groups);
    groupTitles.set(p.groupId, p.groupTitle);
    hashTitles.set(p.hash, p.title);
  }
  const heirs = heirGroups(placements);
  const sum = (counts: Map<unknown, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);
  const stored = (id: number | null, crashes: number): PreviewGroup => ({ id, title: groupTitles.get(id) ?? '', crashes });
  const made = (hash: string, crashes: number): PreviewGroup => ({
    id: heirs.get(hash) ?? null,
    title: hashTitles.get(hash) ?? '',
    crashes,
  });

  // A crash moves when it ends in a group other than the one that carries on its own.
  const moved = placements.filter((p) => heirs.get(p.hash) !== p.groupId || p.groupId === null).length;
  const splits: RulesPreview['splits'] = [];
  for (const [groupId, hashes] of byGroup) {
    const total = sum(hashes);
    if (hashes.size > 1 && groupId !== null) {
      const into = [...hashes].sort((a, b) => b[1] - a[1]).map(([hash, n]) => made(hash, n));
      splits.push({ group: stored(groupId, total), into });
    }
  }
  const merges: RulesPreview['merges'] = [];
  for (const [hash, groups] of byHash) {
    const stores = [...groups].filter(([id]) => id !== null);
    if (stores.length < 2) continue;
    merges.push({ into: made(hash, sum(groups)), groups: stores.sort((a, b) => b[1] - a[1]).map(([id, n]) => stored(id, n)) });
  }
  const warnings: string[] = [];
  const biggest = [...byHash].map(([hash, groups]) => ({ hash, crashes: sum(groups) })).sort((a, b) => b.crashes - a.crashes)[0];
  if (biggest && placements.length >= MIN_CRASHES && biggest.crashes > placements.length * ONE_GROUP_SHARE && byGroup.size > 1) {
    warnings.push(
      `these rules would put ${biggest.crashes} of the ${placements.length} crashes into one group, "${hashTitles.get(biggest.hash)}": a rule probably leaves out the frames that tell bugs apart`,
    );
  }
  return {
    crashes: placements.length,
    groupsBefore: [...byGroup.keys()].filter((id) => id !== null).length,
    groupsAfter: byHash.size,
    moved,
    merged: merges.length,
    split: splits.length,
    merges: merges.sort((a, b) => b.into.crashes - a.into.crashes).slice(0, EXAMPLES),
    splits: splits.sort((a, b) => b.group.crashes - a.group.crashes).slice(0, EXAMPLES),
    warnings,
  };
}

/**
 * For each new fingerprint, the stored group that carries on as it: the group most of its crashes
 * come from, when that fingerprint is also where most of the group's crashes go.
 */
export function heirGroups(placements: Array<{ groupId: number | null; hash: string }>): Map<string, number> {
  const counts = new Map<string, Map<number, number>>();
  for (const p of placements) {
    if (p.groupId === null) continue;
    const perGroup = counts.get(p.hash) ?? new Map<number, number>();
    perGroup.set(p.groupId, (perGroup.get(p.groupId) ?? 0) + 1);
    counts.set(p.hash, perGroup);
  }
  const largestPart = new Map<number, { hash: string; n: number }>();
  for (const [hash, perGroup] of counts) {
    for (const [groupId, n] of perGroup) {
      const best = largestPart.get(groupId);
      if (!best || n > best.n || (n === best.n && hash < best.hash)) largestPart.set(groupId, { hash, n });
    }
  }
  const heirs = new Map<string, number>();
  for (const [hash, perGroup] of counts) {
    const [groupId] = [...perGroup].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] as [number, number];
    if (largestPart.get(groupId)?.hash === hash) heirs.set(hash, groupId);
  }
  return heirs;
}
