import { describe, expect, it } from 'vitest';
import { crashedSinceResolved } from '../../src/core/store/group-store';

describe('whether a crash regresses a resolved group', () => {
  const resolved = '2026-12-02T17:40:05.437Z';

  it('counts a crash stamped later than the resolution', () => {
    expect(crashedSinceResolved('2026-12-02T17:40:06.000Z', resolved)).toBe(true);
  });

  it('counts a crash in the same second, whose time is known to the second or from a coarser clock', () => {
    expect(crashedSinceResolved('2026-12-02T17:40:05.000Z', resolved)).toBe(true);
    expect(crashedSinceResolved('2026-12-02T17:40:05.433Z', resolved)).toBe(true);
  });

  it('does not count a crash from before that second: an old core imported late', () => {
    expect(crashedSinceResolved('2026-12-02T17:40:04.999Z', resolved)).toBe(false);
    expect(crashedSinceResolved('2026-11-30T08:00:00.000Z', resolved)).toBe(false);
  });

  it('compares times written with an offset by the instant they name', () => {
    expect(crashedSinceResolved('2026-12-02T18:40:05+01:00', resolved)).toBe(true);
    expect(crashedSinceResolved('2026-12-02T18:40:04+01:00', resolved)).toBe(false);
  });
});
