import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { windowsAmd64 } from '../test/fixtures/stackwalk-scenarios';
import { importWithCli, openFirstCrashOfGroup, startSession, type Session } from './browser';

const WAIT = { timeout: 20_000 };
const root = mkdtempSync(join(tmpdir(), 'crashwb-e2e-dmp-'));
let session: Session;
let page: Page;

beforeAll(async () => {
  const scenario = windowsAmd64(join(root, 'win'));
  session = await startSession('minidump', (db) => {
    importWithCli(db, scenario.dump, '--debug-dir', scenario.symbols);
  });
  page = session.page;
});
afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(session.diagnostics());
});
afterAll(async () => {
  await session?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a Windows minidump in the crash view', () => {
  it('shows the access violation, the system and a named stack that says how each frame was found', async () => {
    await page.goto(session.served.url);
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('row', { name: /EXCEPTION_ACCESS_VIOLATION_WRITE in CrashFunction/ }).click();
    await openFirstCrashOfGroup(page);
    await page.getByRole('listbox', { name: 'Threads' }).waitFor(WAIT);
    const summary = page.getByLabel('Crash summary');
    expect(await summary.textContent()).toMatch(
      /EXCEPTION_ACCESS_VIOLATION_WRITE at 0x45.*Windows NT 10\.0\.19045 · amd64 · ran 1 h 2 min/s,
    );
    const stack = page.getByRole('table', { name: 'Stack' });
    const rows = await stack.getByRole('row').allTextContents();
    expect(rows[0]).toMatch(/CrashFunction\(\).*test_app\.cc:58/);
    expect(rows[1]).toMatch(/helper_write\(int\*\)inlinedCFI/);
    // Windows x64 keeps no frame pointer chain: Breakpad, and the walk, scan for these two.
    expect(rows[3]).toMatch(/mainCRTStartupscanned/);
    expect(rows[4]).toMatch(/kernel32\.dll \+ 0x1234scanned/);
    expect(await stack.getByText('scanned').first().getAttribute('title')).toMatch(/a guess, left out of grouping/);
    expect(await page.getByRole('listbox', { name: 'Threads' }).textContent()).toContain('kernel32.dll + 0x500');
  });

  it('says where it looked for a Windows source file, instead of refusing the request', async () => {
    const source = page.getByRole('region', { name: 'Source' });
    await expect.poll(() => source.textContent(), WAIT).toMatch(/Source not found|Choose source folder/);
    expect(await source.textContent()).not.toMatch(/invalid arguments/);
  });
});
