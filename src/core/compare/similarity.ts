/** Frames compared from the top of each stack; deeper ones are where every crash of a program meets. */
const SIMILARITY_DEPTH = 16;

const weight = (i: number): number => 1 / (i + 1);

/**
 * How alike two stacks are, 0..1: frames matched in order (longest common subsequence), each
 * weighted by how near the top it is in both stacks, so a shared main() counts for little and a
 * shared crashing function for much.
 */
export function stackSimilarity(a: string[], b: string[]): { score: number; shared: string[] } {
  const x = a.slice(0, SIMILARITY_DEPTH);
  const y = b.slice(0, SIMILARITY_DEPTH);
  if (x.length === 0 || y.length === 0) return { score: 0, shared: [] };
  // best[i][j]: the best weight of matches among x[i..] and y[j..].
  const best = Array.from({ length: x.length + 1 }, () => new Float64Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--) {
    for (let j = y.length - 1; j >= 0; j--) {
      const here = x[i] === y[j] ? Math.min(weight(i), weight(j)) + (best[i + 1]?.[j + 1] ?? 0) : 0;
      (best[i] as Float64Array)[j] = Math.max(here, best[i + 1]?.[j] ?? 0, best[i]?.[j + 1] ?? 0);
    }
  }
  const shared: string[] = [];
  for (let i = 0, j = 0; i < x.length && j < y.length;) {
    const rest = best[i]?.[j] ?? 0;
    if (x[i] === y[j] && Math.abs(rest - (Math.min(weight(i), weight(j)) + (best[i + 1]?.[j + 1] ?? 0))) < 1e-12) {
      shared.push(x[i] as string);
      i++;
      j++;
    } else if ((best[i + 1]?.[j] ?? 0) >= (best[i]?.[j + 1] ?? 0)) i++;
    else j++;
  }
  const total = (n: number): number => Array.from({ length: n }, (_, i) => weight(i)).reduce((s, w) => s + w, 0);
  return { score: (2 * (best[0]?.[0] ?? 0)) / (total(x.length) + total(y.length)), shared };
}
