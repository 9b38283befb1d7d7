import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Module } from '../../src/shared/model';
import { coreGoes, globMatches, parseCorePolicy } from '../../src/agent/capture-plan';
import { underSysroot } from '../../src/core/symbols/locate';
import { SymbolCache } from '../../src/core/symbols/symbol-cache';
import { serversFromEnvironment } from '../../src/core/symbols/debuginfod-client';

describe('where symbols are looked for', () => {
  it('keeps a recorded path under the sysroot, even one that tries to climb out of it', () => {
    expect(underSysroot('/srv/root', '/usr/lib/libc.so.6')).toBe('/srv/root/usr/lib/libc.so.6');
    expect(underSysroot('/srv/root', '/usr/../../etc/shadow')).toBe('/srv/root/etc/shadow');
    expect(underSysroot('/srv/root', 'lib/../../x')).toBe('/srv/root/x');
  });

  it('reads DEBUGINFOD_URLS as elfutils does: space-separated, http(s) only', () => {
    expect(serversFromEnvironment({ DEBUGINFOD_URLS: ' https://a.example  http://b:8002/ ftp://c file:///d ' }).map((s) => s.url)).toEqual([
      'https://a.example',
      'http://b:8002/',
    ]);
    expect(serversFromEnvironment({})).toEqual([]);
  });
});

describe('the symbol cache', () => {
  it('puts files in the .build-id layout, and a source path never outside its build', () => {
    const cache = new SymbolCache('/c');
    expect(cache.pathOf('abcdef0123', 'debuginfo')).toBe('/c/.build-id/ab/cdef0123.debug');
    expect(cache.pathOf('abcdef0123', 'executable')).toBe('/c/.build-id/ab/cdef0123');
    expect(() => cache.pathOf('../../etc', 'executable')).toThrow(/not a build-id/);
    expect(cache.sourcePathOf('abcdef0123', '/src/main.c')).toBe('/c/sources/abcdef0123/src/main.c');
    expect(cache.sourcePathOf('abcdef0123', '/src/../../../../etc/passwd')).toBeNull();
    expect(cache.sourcePathOf('abcdef0123', 'relative.c')).toBeNull();
  });

  it('drops the least recently used files past its limit, and empties on clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-cache-'));
    const cache = new SymbolCache(dir, 250);
    const ids = ['aa000001', 'bb000002', 'cc000003'];
    ids.forEach((id, i) => {
      const path = cache.pathOf(id, 'executable');
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, Buffer.alloc(100));
      utimesSync(path, 1000 + i, 1000 + i);
    });
    // Used just now: the oldest by date, but the most recently used.
    expect(await cache.lookup(cache.pathOf('aa000001', 'executable'))).not.toBeNull();
    expect(await cache.trim()).toBe(1);
    expect(await cache.lookup(cache.pathOf('bb000002', 'executable'))).toBeNull();
    expect((await cache.usage()).files).toBe(2);
    await cache.clear();
    expect((await cache.usage()).files).toBe(0);
  });
});

describe('what the capture side sends', () => {
  it('reads the core policies, and refuses others by name', () => {
    expect(parseCorePolicy('unseen')).toEqual({ kind: 'unseen' });
    expect(parseCorePolicy('max:512')).toEqual({ kind: 'max', bytes: 512 * 1024 * 1024 });
    expect(() => parseCorePolicy('max:lots')).toThrow(/always, unseen, never or max:MB/);
  });

  it('sends the core without a snapshot whatever the policy, and by the policy with one', () => {
    expect(coreGoes({ kind: 'never' }, 10, false, false)).toBe(true);
    expect(coreGoes({ kind: 'never' }, 10, true, true)).toBe(false);
    expect(coreGoes({ kind: 'unseen' }, 10, true, false)).toBe(false);
    expect(coreGoes({ kind: 'unseen' }, 10, true, true)).toBe(true);
    expect(coreGoes({ kind: 'max', bytes: 100 }, 101, true, true)).toBe(false);
    expect(coreGoes({ kind: 'max', bytes: 100 }, 100, true, true)).toBe(true);
  });

  it('matches executables by glob: * within a folder, ** across', () => {
    expect(globMatches('/opt/shop/*', '/opt/shop/api')).toBe(true);
    expect(globMatches('/opt/shop/*', '/opt/shop/bin/api')).toBe(false);
    expect(globMatches('/opt/**/api', '/opt/shop/bin/api')).toBe(true);
    expect(globMatches('/opt/shop/api.v?', '/opt/shop/api.v2')).toBe(true);
    expect(globMatches('/opt/shop/(x)', '/opt/shop/(x)')).toBe(true);
  });
});

describe('the folder of links shown to the debuggers', () => {
  it('never creates anything through a link it placed, whatever paths the core records', async () => {
    const { linkModules } = await import('../../src/core/symbols/module-links');
    const outside = mkdtempSync(join(tmpdir(), 'crashwb-outside-'));
    const links = linkModules(
      [
        { path: '/x', hostPath: outside },
        { path: '/x/planted', hostPath: '/etc/hostname' },
        { path: '/usr/lib/libfoo.so', hostPath: '/etc/hostname' },
      ],
      [],
    );
    try {
      const { existsSync, readdirSync } = await import('node:fs');
      expect(readdirSync(outside)).toEqual([]);
      expect(existsSync(join(links.sysroot, 'usr/lib/libfoo.so'))).toBe(true);
    } finally {
      links.dispose();
    }
  });

  describe('is made only where the debugger would otherwise read other files', () => {
    const module = (path: string, extra: Partial<Module> = {}): Module => ({
      path,
      hostPath: path,
      buildId: 'ab12cd34',
      debugFile: null,
      symbols: 'debug-info',
      start: '0x1000',
      end: '0x2000',
      origin: { file: null, debug: null },
      ...extra,
    });
    const none = { sysroot: null, solibDirs: [], debugDirs: [] };

    it('is not made when every file is where the core recorded it, or leads there, and its debug file is where gdb looks', async () => {
      const { linksNeeded } = await import('../../src/core/symbols/module-links');
      const dir = mkdtempSync(join(tmpdir(), 'crashwb-links-'));
      const real = join(dir, 'libfoo.so.1.2');
      writeFileSync(real, 'elf');
      symlinkSync(real, join(dir, 'libfoo.so.1'));
      const libraries = [
        { path: real, hostPath: real },
        { path: join(dir, 'libfoo.so.1'), hostPath: real },
      ];
      const withDebug = module(real, { debugFile: '/usr/lib/debug/.build-id/ab/12cd34.debug' });
      expect(await linksNeeded(libraries, [withDebug], none)).toBe(false);
      expect(
        await linksNeeded(libraries, [module(real, { debugFile: '/d/.build-id/ab/12cd34.debug' })], { ...none, debugDirs: ['/d'] }),
      ).toBe(false);
    });

    it('is made for a file found elsewhere, a debug file only the links show, a name leading elsewhere, a sysroot or solib folder', async () => {
      const { linksNeeded } = await import('../../src/core/symbols/module-links');
      const lib = '/usr/lib/libfoo.so';
      const at = [{ path: lib, hostPath: lib }];
      expect(
        await linksNeeded([{ path: lib, hostPath: '/srv/found/libfoo.so' }], [module(lib, { hostPath: '/srv/found/libfoo.so' })], none),
      ).toBe(true);
      expect(await linksNeeded(at, [module(lib, { debugFile: '/home/u/.cache/crash-workbench/symbols/ab/12cd34.debug' })], none)).toBe(
        true,
      );
      expect(await linksNeeded([{ path: '/lib/libbar.so.1', hostPath: '/etc/hostname' }], [module(lib)], none)).toBe(true);
      expect(await linksNeeded(at, [module(lib)], { ...none, sysroot: '/srv/root' })).toBe(true);
      expect(await linksNeeded(at, [module(lib)], { ...none, solibDirs: ['/srv/libs'] })).toBe(true);
    });
  });
});
