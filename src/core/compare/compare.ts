import type {
  Crash,
  CrashComparison,
  FingerprintPartMatch,
  GroupDetail,
  GroupComparison,
  GroupingExplanation,
  ValueDiff,
  FingerprintExplanation,
  FingerprintVersion,
} from '../../shared/model';
import { explainFingerprint, fingerprint, mechanismName, significantNames, versionTag } from '../fingerprint/fingerprint';
import type { Ruleset } from '../fingerprint/rules/ruleset';
import { crashingThread } from '../../shared/crashing-thread';
import { stackSimilarity } from './similarity';
import { diffStacks } from './stack-diff';

/** Where a crash stands: its group and the fingerprint stored for it. */
export interface Placement {
  groupId: number | null;
  fingerprint: string | null;
  fingerprintVersion: FingerprintVersion | null;
}

const crashingFrames = (c: Crash | null) => (c ? (crashingThread(c)?.frames ?? []) : []);

/** The two parts a signature is made of: the mechanism that fired and the frames. */
function signatureParts(a: { mechanism: string; frames: string[] }, b: { mechanism: string; frames: string[] }): FingerprintPartMatch[] {
  return [
    { part: 'mechanism', same: a.mechanism === b.mechanism, a: mechanismName(a.mechanism), b: mechanismName(b.mechanism) },
    { part: 'frames', same: a.frames.join('\0') === b.frames.join('\0'), a: a.frames.join(' → '), b: b.frames.join(' → ') },
  ];
}

function valueDiffs(a: Record<string, string>, b: Record<string, string>): ValueDiff[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.map((key) => ({ key, a: a[key] ?? null, b: b[key] ?? null, same: a[key] === b[key] }));
}

const lines = (notes: Array<{ line: number }>): string => {
  const numbers = [...new Set(notes.map((n) => n.line))].sort((x, y) => x - y);
  return numbers.length ? ` (rule${numbers.length > 1 ? 's' : ''} on line ${numbers.join(', ')})` : '';
};

/** A fingerprint's making in a few lines: the mechanism, what was left out above, the signature. */
function howItCameAbout(e: FingerprintExplanation): string[] {
  const out = [
    `mechanism ${mechanismName(e.mechanism)}${e.mechanismLine !== null ? ` (rule on line ${e.mechanismLine})` : ', the signal'}`,
  ];
  const first = e.stack.findIndex((f) => f.verdict !== 'left-out');
  const above = e.stack.slice(0, Math.max(first, 0));
  if (above.length) out.push(`left out above: ${above.map((f) => f.name).join(', ')}${lines(above.flatMap((f) => f.notes))}`);
  if (e.fixedLine !== null) out.push(`fixed by the rule on line ${e.fixedLine}: ${e.frames.join(' ')}`);
  for (const f of e.stack.filter((x) => x.verdict === 'signature')) out.push(`${f.name}: ${f.reason}${lines(f.notes)}`);
  return out;
}

/** The verdict in words, from the parts that made the fingerprints and from what people did. */
function explain(
  sameGroup: boolean,
  parts: FingerprintPartMatch[],
  how: { a: FingerprintExplanation; b: FingerprintExplanation } | null,
): GroupingExplanation {
  const differing = parts.filter((p) => !p.same && p.part !== 'manual');
  const sameFingerprint = differing.filter((p) => p.part !== 'algorithm').length === 0;
  const [mechanism, frames] = parts;
  let summary: string;
  if (sameGroup && sameFingerprint) summary = `Same group: both are ${mechanism?.a} in ${frames?.a}.`;
  else if (sameGroup)
    summary = `Same group because a person merged the groups or pinned a crash, although the fingerprints differ: ${differing
      .map((p) => `${p.part} ${p.a} vs ${p.b}`)
      .join('; ')}.`;
  else if (sameFingerprint)
    summary = `Same fingerprint (${mechanism?.a} in ${frames?.a}), but a person moved one of them to a group of its own.`;
  else summary = `Different groups: ${differing.map((p) => (p.part === 'algorithm' ? p.a : `${p.part} ${p.a} vs ${p.b}`)).join('; ')}.`;
  return { sameGroup, sameFingerprint, parts, summary, how: how && { a: howItCameAbout(how.a), b: howItCameAbout(how.b) } };
}

function fingerprintParts(a: Crash, b: Crash, pa: Placement, pb: Placement, rulesFor: (crash: Crash) => Ruleset): FingerprintPartMatch[] {
  const [fa, fb] = [fingerprint(a, rulesFor(a)), fingerprint(b, rulesFor(b))];
  const parts = signatureParts(fa, fb);
  const current = versionTag(fa);
  const stale = [pa, pb].filter((p) => p.fingerprintVersion !== null && p.fingerprintVersion !== current);
  if (stale.length)
    parts.push({
      part: 'algorithm',
      same: false,
      a: `stored by fingerprint version ${stale.map((p) => p.fingerprintVersion).join('/')}, current ${current}: run crashwb regroup`,
      b: String(current),
    });
  const manual = pa.groupId === pb.groupId && pa.fingerprint !== pb.fingerprint;
  if (manual || (pa.groupId !== pb.groupId && pa.fingerprint === pb.fingerprint))
    parts.push({ part: 'manual', same: pa.groupId === pb.groupId, a: `group ${pa.groupId ?? '-'}`, b: `group ${pb.groupId ?? '-'}` });
  return parts;
}

export function compareCrashes(
  a: Crash,
  b: Crash,
  pa: Placement,
  pb: Placement,
  titles: { a: string; b: string },
  /** Each side's rules: a crash of a project with rules of its own is fingerprinted by those. */
  rulesFor: (crash: Crash) => Ruleset,
): CrashComparison {
  const side = (c: Crash, p: Placement, title: string) => ({
    id: c.id,
    groupId: p.groupId,
    title,
    signal: c.signal.name,
    executable: c.executable,
    timestamp: c.timestamp,
  });
  return {
    a: side(a, pa, titles.a),
    b: side(b, pb, titles.b),
    stack: diffStacks(crashingFrames(a), crashingFrames(b)),
    attributes: valueDiffs(a.attributes, b.attributes),
    registers: valueDiffs(crashingThread(a)?.registers ?? {}, crashingThread(b)?.registers ?? {}),
    explanation: explain(pa.groupId !== null && pa.groupId === pb.groupId, fingerprintParts(a, b, pa, pb, rulesFor), {
      a: explainFingerprint(a, rulesFor(a)),
      b: explainFingerprint(b, rulesFor(b)),
    }),
  };
}

/** Two groups side by side: their representatives' stacks, their attribute spreads, and why they are apart. */
export function compareGroups(
  a: GroupDetail,
  b: GroupDetail,
  repA: Crash | null,
  repB: Crash | null,
  rulesFor: (crash: Crash) => Ruleset,
): GroupComparison {
  const keys = [...new Set([...Object.keys(a.attributes), ...Object.keys(b.attributes)])].sort();
  const ga = a.group;
  const gb = b.group;
  const parts = signatureParts(ga, gb);
  if (ga.version !== gb.version)
    parts.push({
      part: 'algorithm',
      same: false,
      a: `fingerprint versions ${ga.version} and ${gb.version}: run crashwb regroup`,
      b: String(gb.version),
    });
  return {
    a: ga,
    b: gb,
    stack: diffStacks(crashingFrames(repA), crashingFrames(repB)),
    attributes: keys.map((key) => ({ key, a: a.attributes[key] ?? [], b: b.attributes[key] ?? [] })),
    explanation: explain(
      ga.id === gb.id,
      parts,
      repA && repB ? { a: explainFingerprint(repA, rulesFor(repA)), b: explainFingerprint(repB, rulesFor(repB)) } : null,
    ),
    similarity: repA && repB ? stackSimilarity(significantNames(repA, rulesFor(repA)), significantNames(repB, rulesFor(repB))).score : 0,
  };
}
