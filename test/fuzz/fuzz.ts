import fc from 'fast-check';

/**
 * Every fuzz test runs from this seed (FUZZ_SEED to change it), so a failure is reproduced by
 * running the same test again; fast-check prints the seed and path of a failing case.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261201);

/** Bounded in runs and in time: the suite never takes long, whatever the inputs cost. */
export const FUZZ_RUNS = { seed: FUZZ_SEED, numRuns: 150, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false } as const;

/** Seeded mutations of a valid file: bytes flipped, bytes set to edge values, runs zeroed, cut short. */
export function mutationOf(base: Buffer, focus = base.length): fc.Arbitrary<Buffer> {
  const at = fc.nat({ max: Math.max(0, Math.min(focus, base.length) - 1) });
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, bit: fc.nat({ max: 7 }) }),
    fc.record({ kind: fc.constant('set' as const), at, value: fc.constantFrom(0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe) }),
    fc.record({ kind: fc.constant('zero' as const), at, length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ kind: fc.constant('cut' as const), at }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 8 }).map((edits) => {
    const bytes = applyEdits(base, edits);
    // A failing case prints as its edits, not as megabytes of bytes.
    return Object.assign(bytes, { [fc.toStringMethod]: () => `mutation ${JSON.stringify(edits)} of ${base.length} bytes` });
  });
}

type Edit =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'zero'; at: number; length: number }
  | { kind: 'cut'; at: number };

function applyEdits(base: Buffer, edits: Edit[]): Buffer {
  let bytes = Buffer.from(base);
  for (const e of edits) {
    // An edit after a cut may point past the end: it then changes nothing.
    if (e.at >= bytes.length) continue;
    if (e.kind === 'flip') bytes[e.at] = (bytes[e.at] ?? 0) ^ (1 << e.bit);
    else if (e.kind === 'set') bytes[e.at] = e.value;
    else if (e.kind === 'zero') bytes.fill(0, e.at, Math.min(bytes.length, e.at + e.length));
    else bytes = bytes.subarray(0, e.at);
  }
  return bytes;
}
