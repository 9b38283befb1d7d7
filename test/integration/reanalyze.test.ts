import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Workbench } from '../../src/core/workbench';
import type { Crash } from '../../src/shared/model';

const fixtures = inject('fixtures');
let wb: Workbench;

beforeAll(() => {
  wb = new Workbench({ databasePath: join(mkdtempSync(join(tmpdir(), 'crashwb-re-')), 'wb.db') });
});
afterAll(() => wb.close());

const top = (crash: Crash) => crash.threads.find((t) => t.crashed)?.frames[0];

describe('analysing a stored crash again', () => {
  it('symbolizes a stripped build once its debug directory is added, and regroups it', async () => {
    const fx = fixtures.stripped;
    const bare = await wb.openCore({ path: fx.core });
    expect(top(bare)?.function).not.toBe('read_retries');
    const groupsBefore = (await wb.listGroups()).groups.map((g) => g.title);

    const again = await wb.reanalyzeCrash(bare.id, { debugDirs: [fx.debugDir ?? ''] });
    expect(again.id).toBe(bare.id);
    expect(top(again)).toMatchObject({ function: 'read_retries', line: 11 });
    expect(again.loaded?.debugDirs).toEqual([fx.debugDir]);
    expect(again.modules.find((m) => m.path === fx.executable)).toMatchObject({ symbols: 'debug-info' });
    expect((await wb.getCrash(bare.id)).threads).toEqual(again.threads);
    const groupsAfter = (await wb.listGroups()).groups.map((g) => g.title);
    expect(groupsAfter).toEqual([expect.stringMatching(/SIGSEGV in read_retries/)]);
    expect(groupsAfter).not.toEqual(groupsBefore);
  });

  it('switches a crash to the other debugger', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    expect(crash.debugger).toBe('gdb');
    const withLldb = await wb.reanalyzeCrash(crash.id, { debugger: 'lldb' });
    expect(withLldb.debugger).toBe('lldb');
    expect(top(withLldb)?.function).toBe('read_retries');
  });

  it('refuses when the file at the crash’s path is no longer its core, keeping the stored analysis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-re-swap-'));
    const path = join(dir, 'core');
    copyFileSync(fixtures.abort.core, path);
    const crash = await wb.openCore({ path, executable: fixtures.abort.executable });
    writeFileSync(path, 'not the same core any more');
    await expect(wb.reanalyzeCrash(crash.id, {})).rejects.toThrow(/no longer the core of this crash/);
    rmSync(dir, { recursive: true });
    await expect(wb.reanalyzeCrash(crash.id, {})).rejects.toThrow(/cannot analyse .*core again: .*Open the core from where it is now/);
    expect((await wb.getCrash(crash.id)).signal.name).toBe('SIGABRT');
  });

  it('opens new cores with the debugger chosen in the settings', async () => {
    expect(await wb.getSettings()).toMatchObject({ defaultDebugger: 'gdb', watchedFolders: [], solibDirs: [], symbolServers: [] });
    expect(await wb.updateSettings({ defaultDebugger: 'lldb' })).toMatchObject({ defaultDebugger: 'lldb', watchedFolders: [] });
    const crash = await wb.openCore({ path: fixtures.cpp.core });
    expect(crash.debugger).toBe('lldb');
    expect((await wb.openCore({ path: fixtures.cpp.core, debugger: 'gdb' })).debugger).toBe('gdb');
    await wb.updateSettings({ defaultDebugger: 'gdb' });
  });
});
