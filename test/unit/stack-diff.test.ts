import { describe, expect, it } from 'vitest';
import { diffStacks } from '../../src/core/compare/stack-diff';
import type { Frame } from '../../src/shared/model';

const frame = (fn: string | null, line: number | null = 10, file = '/src/app.c', module = '/usr/bin/app'): Frame => ({
  index: 0,
  address: '0x401000',
  function: fn,
  file: fn ? file : null,
  line: fn ? line : null,
  module,
  inline: false,
});

const kinds = (base: Frame[], other: Frame[]) => diffStacks(base, other).map((r) => `${r.kind}:${(r.base ?? r.other)?.function ?? '?'}`);

describe('aligning a crash’s stack against a group’s representative', () => {
  it('calls frames with the same function, file name and line the same, even under another build path', () => {
    const base = [frame('parse', 10, '/build/a/src/parse.c'), frame('main', 40)];
    const other = [frame('parse', 10, '/home/ci/src/parse.c'), frame('main', 40)];
    expect(kinds(base, other)).toEqual(['same:parse', 'same:main']);
  });

  it('calls a frame moved when only its line differs, as in a build with shifted lines', () => {
    expect(kinds([frame('parse', 10), frame('main', 40)], [frame('parse', 12), frame('main', 40)])).toEqual(['moved:parse', 'same:main']);
  });

  it('matches functions by their normalized names', () => {
    expect(kinds([frame('__strlen_avx2'), frame('main')], [frame('__strlen_evex'), frame('main')])).toEqual([
      'same:__strlen_avx2',
      'same:main',
    ]);
  });

  it('shows an extra frame as one added row instead of shifting every row after it', () => {
    const base = [frame('parse'), frame('load'), frame('main')];
    const other = [frame('parse'), frame('helper'), frame('load'), frame('main')];
    expect(kinds(base, other)).toEqual(['same:parse', 'added:helper', 'same:load', 'same:main']);
  });

  it('shows a different function as the base frame removed and the crash’s frame added', () => {
    expect(kinds([frame('parse'), frame('main')], [frame('render'), frame('main')])).toEqual([
      'added:render',
      'removed:parse',
      'same:main',
    ]);
  });

  it('matches frames without symbols by module, never by address', () => {
    const base = [{ ...frame(null, null, '', '/usr/lib/libfoo.so'), address: '0x7f0001' }, frame('main')];
    const other = [{ ...frame(null, null, '', '/usr/lib/libfoo.so'), address: '0x7f9999' }, frame('main')];
    expect(diffStacks(base, other).map((r) => r.kind)).toEqual(['same', 'same']);
  });

  it('handles empty stacks on either side', () => {
    expect(kinds([], [frame('main')])).toEqual(['added:main']);
    expect(kinds([frame('main')], [])).toEqual(['removed:main']);
    expect(diffStacks([], [])).toEqual([]);
  });
});
