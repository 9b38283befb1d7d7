import { describe, expect, it } from 'vitest';
import { markInlined } from '../../src/core/debugger/extraction';

const frame = (address: string, fn: string, line: number) => ({ address, function: fn, line, inline: false });

describe('which frames are inlined', () => {
  it('marks a frame that shares its pc with a caller of another function', () => {
    const frames = markInlined([frame('0x1010', 'checked_add', 7), frame('0x1010', 'parse', 30), frame('0x2040', 'main', 12)]);
    expect(frames.map((f) => f.inline)).toEqual([true, false, false]);
  });

  it('does not mark recursion, whose frames repeat one return address in one function at one line', () => {
    const frames = markInlined([
      frame('0x1000', 'walk_tree', 21),
      frame('0x10ff', 'walk_tree', 21),
      frame('0x10ff', 'walk_tree', 21),
      frame('0x10ff', 'walk_tree', 21),
      frame('0x2000', 'main', 43),
    ]);
    expect(frames.some((f) => f.inline)).toBe(false);
  });

  it('keeps what the debugger said was inlined', () => {
    expect(markInlined([{ ...frame('0x1', 'a', 1), inline: true }])[0]?.inline).toBe(true);
  });
});
