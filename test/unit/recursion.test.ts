import { describe, expect, it } from 'vitest';
import { foldRecursion } from '../../src/renderer/src/crash/recursion';
import type { Frame } from '../../src/shared/model';

const frames = (names: string[]): Frame[] =>
  names.map((fn, index) => ({ index, address: `0x${index}`, function: fn, file: null, line: null, module: null, inline: false }));
const shown = (rows: ReturnType<typeof foldRecursion>) => rows.map((r) => (r.kind === 'frame' ? r.frame.function : r.label));

describe('a stack of deep recursion, as shown', () => {
  it('folds a thousand frames of one function after its first two, and keeps what is around them', () => {
    const stack = frames(['crash', ...Array<string>(1000).fill('walk_tree'), 'main']);
    expect(shown(foldRecursion(stack, new Set()))).toEqual(['crash', 'walk_tree', 'walk_tree', '× 998 frames of walk_tree', 'main']);
  });

  it('folds mutual recursion by its period', () => {
    const stack = frames(['leaf', ...Array.from({ length: 40 }, (_, i) => (i % 2 ? 'pong' : 'ping')), 'main']);
    expect(shown(foldRecursion(stack, new Set()))).toEqual(['leaf', 'ping', 'pong', 'ping', 'pong', '× 36 frames of ping ↔ pong', 'main']);
  });

  it('shows a fold whole once it is expanded, and leaves short repeats alone', () => {
    const stack = frames(['a', ...Array<string>(10).fill('f'), 'main']);
    const folded = foldRecursion(stack, new Set());
    const fold = folded.find((r) => r.kind === 'folded');
    expect(fold?.kind === 'folded' && fold.frames.length).toBe(8);
    expect(shown(foldRecursion(stack, new Set([fold?.kind === 'folded' ? fold.id : -1])))).toEqual([
      'a',
      ...Array<string>(10).fill('f'),
      'main',
    ]);
    expect(shown(foldRecursion(frames(['a', 'f', 'f', 'f', 'main']), new Set()))).toEqual(['a', 'f', 'f', 'f', 'main']);
  });
});
