import { describe, expect, it } from 'vitest';
import { ftsQuery } from '../../src/core/store/search-index';

describe('what the search box becomes in FTS5', () => {
  it('asks for every word as a prefix', () => {
    expect(ftsQuery('store_res worker')).toBe('"store_res"* "worker"*');
  });

  it('keeps a term written with punctuation together, as a phrase', () => {
    expect(ftsQuery('web-2')).toBe('"web 2"*');
    expect(ftsQuery('libc.so.6 main.c:42')).toBe('"libc so 6"* "main c 42"*');
  });

  it('lets nothing through as FTS5 syntax', () => {
    expect(ftsQuery('" OR * NEAR(')).toBe('"OR"* "NEAR"*');
    expect(ftsQuery('  -- ')).toBeNull();
  });
});
