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

describe('what a crash is found by', () => {
  it('includes every module the process had loaded, not only those on the crashing stack', async () => {
    const { searchText } = await import('../../src/core/store/search-index');
    const text = searchText(
      {
        signal: { name: 'SIGSEGV' },
        executable: '/opt/app',
        source: '/tmp/core',
        threads: [],
        crashingThreadId: 1,
        attributes: {},
        modules: [{ path: '/usr/lib64/ld-linux-x86-64.so.2' }],
      } as unknown as Parameters<typeof searchText>[0],
      'SIGSEGV in main',
    );
    expect(text).toContain('/usr/lib64/ld-linux-x86-64.so.2');
  });
});
