import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Workbench } from '../../src/core/workbench';
import type { ConsoleEvent, Crash } from '../../src/shared/model';

const fixtures = inject('fixtures');
const root = mkdtempSync(join(tmpdir(), 'crashwb-map-'));
const checkout = join(root, 'checkout');
let wb: Workbench;
let output = '';

beforeAll(() => {
  mkdirSync(checkout);
  copyFileSync(fixtures.nullDeref.source, join(checkout, 'null_deref.c'));
  wb = new Workbench({ databasePath: join(root, 'wb.db') });
  wb.onEvent((event) => {
    if (event.type === 'console-output') output += (event as Extract<ConsoleEvent, { type: 'console-output' }>).data;
  });
});
afterAll(() => wb.close());

const topFile = (crash: Crash) => crash.threads.find((t) => t.crashed)?.frames[0]?.file ?? '';

describe('mapping a build path to a checkout, per executable', () => {
  it('finds the source under the mapped checkout for that executable only', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    const exe = crash.executable ?? '';
    const buildDir = dirname(topFile(crash));
    expect(await wb.setSourceMappings(exe, [{ from: buildDir, to: checkout }])).toHaveLength(1);
    expect(await wb.readSource(topFile(crash), exe)).toMatchObject({ found: true, path: join(checkout, 'null_deref.c') });
    // Another executable's frames are not read from the build folder until the user trusts it.
    expect(await wb.readSource(topFile(crash), '/usr/bin/other')).toMatchObject({ found: false, buildFolder: buildDir });
    expect(await wb.getSourceMappings('/usr/bin/other')).toEqual([]);
  });

  it('hands the mapping to the console’s gdb as substitute-path', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    const { sessionId } = await wb.openConsole(crash.id, { cols: 200, rows: 30 });
    await wb.writeConsole(sessionId, 'show substitute-path\r');
    await expect.poll(() => output, { timeout: 20_000 }).toContain(`\`${dirname(topFile(crash))}' -> \`${checkout}'`);
    await wb.closeConsole(sessionId);
  });

  it('forgets an executable’s mappings when they are emptied', async () => {
    const exe = (await wb.openCore({ path: fixtures.nullDeref.core })).executable ?? '';
    await wb.setSourceMappings(exe, []);
    expect(await wb.getSourceMappings(exe)).toEqual([]);
  });
});
