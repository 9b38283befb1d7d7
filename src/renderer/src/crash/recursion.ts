import type { Frame } from '../../../shared/model';

/** A stack as shown: frames, and runs of recursion folded into one row each. */
export type StackRow<F extends Frame = Frame> = { kind: 'frame'; frame: F } | { kind: 'folded'; id: number; frames: F[]; label: string };

/** A run shorter than this is shown whole: a few repeats read fine. */
const MIN_FOLDED = 4;
const MAX_PERIOD = 3;
/** The first repeats of a run stay visible, so the entry into the recursion reads as it happened. */
const KEPT = 2;

const name = (f: Frame | undefined): string | null => f?.function ?? null;

/** How far from `start` the frames repeat with `period` (walk_tree, walk_tree… or ping, pong, ping, pong…). */
function runLength(frames: Frame[], start: number, period: number): number {
  let end = start + period;
  while (end < frames.length && name(frames[end]) !== null && name(frames[end]) === name(frames[end - period])) end++;
  return end - start;
}

/**
 * Folds each run of recursion into "× N frames of walk_tree" after its first repeats; a fold
 * listed in `expanded` (by the index of its first frame) is shown whole.
 */
export function foldRecursion<F extends Frame>(frames: F[], expanded: ReadonlySet<number>): StackRow<F>[] {
  const rows: StackRow<F>[] = [];
  let i = 0;
  while (i < frames.length) {
    let best = { period: 0, length: 0 };
    for (let period = 1; period <= MAX_PERIOD; period++) {
      if (name(frames[i]) === null) break;
      const length = runLength(frames, i, period);
      // Each repeat must be a whole period, and the run long enough to be worth folding.
      if (length >= period * 2 && length - KEPT * period >= MIN_FOLDED && length > best.length) best = { period, length };
    }
    if (best.length === 0) {
      rows.push({ kind: 'frame', frame: frames[i] as F });
      i++;
      continue;
    }
    const keep = KEPT * best.period;
    for (const frame of frames.slice(i, i + keep)) rows.push({ kind: 'frame', frame });
    const folded = frames.slice(i + keep, i + best.length);
    const first = folded[0]?.index ?? 0;
    if (expanded.has(first)) for (const frame of folded) rows.push({ kind: 'frame', frame });
    else {
      const names = [...new Set(frames.slice(i, i + best.period).map((f) => f.function))].join(' ↔ ');
      rows.push({ kind: 'folded', id: first, frames: folded, label: `× ${folded.length} frames of ${names}` });
    }
    i += best.length;
  }
  return rows;
}
