import type { Frame, StackDiffRow } from '../../shared/model';
import { normalizeFunction, unnamedFrame } from '../fingerprint/normalize';

/** Deeper frames than this add nothing to reading a diff and would make the alignment quadratic in a runaway recursion. */
const MAX_FRAMES = 256;

/** What makes two frames "the same place": the normalized function, or the module (and offset, where kept) for frames without symbols. */
function frameKey(frame: Frame): string {
  return frame.function ? normalizeFunction(frame.function) : `[${unnamedFrame(frame)}]`;
}

const fileName = (path: string | null): string | null => (path ? path.slice(path.lastIndexOf('/') + 1) : null);

/** Same function: same line of the same file name (build paths differ between machines), or moved. */
function matchKind(base: Frame, other: Frame): 'same' | 'moved' {
  return fileName(base.file) === fileName(other.file) && base.line === other.line ? 'same' : 'moved';
}

/**
 * Lines a stack up against a base stack, innermost frame first: a longest common subsequence
 * of frame keys, so an extra inlined or helper frame shows as one added row instead of
 * shifting every row after it.
 */
export function diffStacks(base: Frame[], other: Frame[]): StackDiffRow[] {
  const a = base.slice(0, MAX_FRAMES);
  const b = other.slice(0, MAX_FRAMES);
  const ka = a.map(frameKey);
  const kb = b.map(frameKey);
  // lcs[i][j]: length of the common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lcs[i] as Uint16Array;
    const next = lcs[i + 1] as Uint16Array;
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] = ka[i] === kb[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
    }
  }
  const rows: StackDiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const fa = a[i];
    const fb = b[j];
    if (fa && fb && ka[i] === kb[j]) {
      rows.push({ kind: matchKind(fa, fb), base: fa, other: fb });
      i++;
      j++;
    } else if (fb && (!fa || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      rows.push({ kind: 'added', base: null, other: fb });
      j++;
    } else if (fa) {
      rows.push({ kind: 'removed', base: fa, other: null });
      i++;
    }
  }
  return rows;
}
