import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSession, type Session, openFirstCrashOfGroup } from './browser';

const fixtures = inject('fixtures');
const WAIT = { timeout: 30_000 };
const SECRET = 'tok-Zx9Qk2LmP0aB7cD4';
let session: Session;
let page: Page;

beforeAll(async () => {
  session = await startSession('reports', (db) => {
    // The stripped build with its debug files and the plain build are one bug: one group of two.
    const imported = spawnSync(
      process.execPath,
      [
        join(process.cwd(), 'bin', 'crashwb.cjs'),
        'import',
        '--db',
        db,
        '--debug-dir',
        fixtures.stripped.debugDir ?? '',
        '--attr',
        `api_token=${SECRET}`,
        '--attr',
        'hostname=e2e-host-1',
        fixtures.nullDeref.core,
        fixtures.stripped.core,
        fixtures.abort.core,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (imported.status !== 0) throw new Error(`import for the reports test failed: ${imported.stderr}`);
  });
  page = session.page;
  await page.goto(session.served.url);
  await page.getByRole('tab', { name: 'Groups' }).click();
  await page.getByRole('table', { name: 'Crash groups' }).locator('tbody tr').filter({ hasText: 'read_retries' }).click();
  await page
    .getByRole('main', { name: /^Group \d+$/ })
    .getByRole('region', { name: 'Representative stack' })
    .waitFor(WAIT);
}, 180_000);

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(session.diagnostics());
});

afterAll(() => session?.close());

describe('reports and comparison in Chromium through crashwb serve', () => {
  it('compares two ticked crashes of a group and says why they are one group', async () => {
    const crashes = page.getByRole('main', { name: /^Group \d+$/ });
    const boxes = crashes.getByRole('checkbox', { name: /^Pick / });
    await expect.poll(() => boxes.count(), WAIT).toBe(2);
    // The group's crashes filter and sort on its page.
    const filter = crashes.getByRole('searchbox', { name: "Filter the group's crashes" });
    await filter.fill('no-such-crash');
    await expect.poll(() => boxes.count(), WAIT).toBe(0);
    expect(
      await crashes
        .getByRole('status')
        .filter({ hasText: /^\s*0 of 2$/ })
        .count(),
    ).toBe(1);
    await filter.fill('');
    await crashes.getByRole('button', { name: /^When/ }).click();
    await expect.poll(() => crashes.getByRole('columnheader', { name: /When/ }).getAttribute('aria-sort'), WAIT).toBe('ascending');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await crashes.getByRole('button', { name: 'Compare the two ticked crashes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Comparison' });
    await expect
      .poll(() => dialog.getByRole('region', { name: 'Why' }).textContent(), WAIT)
      .toMatch(/Same group: both are SIGSEGV in read_retries/);
    await expect.poll(() => dialog.getByRole('row', { name: 'same frame' }).count(), WAIT).toBeGreaterThan(0);
    expect(await dialog.getByRole('region', { name: 'Registers' }).textContent()).toMatch(/rip/);
    await dialog.getByRole('button', { name: 'Close comparison' }).click();
    await expect.poll(() => dialog.count(), WAIT).toBe(0);
  });

  it('keeps notes and a ticket on the group', async () => {
    const notes = page.getByRole('region', { name: 'Notes' });
    await notes.getByRole('textbox', { name: 'Group notes' }).fill('Reported by the customer on 2.4.');
    await notes.getByRole('textbox', { name: 'Ticket link' }).fill('https://tracker.example/BUG-42');
    await notes.getByRole('button', { name: 'Save notes' }).click();
    await expect.poll(() => notes.getByRole('link').getAttribute('href'), WAIT).toBe('https://tracker.example/BUG-42');
    await page.getByRole('button', { name: 'Back to the groups' }).click();
    const row = page.getByRole('table', { name: 'Crash groups' }).locator('tbody tr').filter({ hasText: 'read_retries' });
    await expect.poll(() => row.getByRole('link', { name: 'ticket' }).getAttribute('href'), WAIT).toBe('https://tracker.example/BUG-42');
    expect(await row.getByLabel('has notes').count()).toBe(1);
    await row.click();
  });

  it('previews what redaction removes and exports the group report without it', async () => {
    await page.getByRole('button', { name: 'Export group report' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export report' });
    const removed = dialog.getByRole('region', { name: 'Removed' });
    await expect.poll(() => removed.textContent(), WAIT).toContain(SECRET);
    expect(await removed.textContent()).not.toContain('e2e-host-1');
    await dialog.getByRole('checkbox', { name: 'Hostnames' }).check();
    await expect.poll(() => removed.textContent(), WAIT).toContain('e2e-host-1');
    await dialog.getByText('The report as it will leave').click();
    expect(await dialog.getByLabel('Report preview').textContent()).not.toContain(SECRET);

    const [download] = await Promise.all([
      page.waitForEvent('download', WAIT),
      dialog.getByRole('button', { name: 'Export Markdown' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^group-\d+\.md$/);
    const text = readFileSync((await download.path()) ?? '', 'utf8');
    expect(text).toMatch(/^# Group #\d+: SIGSEGV in read_retries/);
    expect(text).toContain('Reported by the customer on 2.4.');
    expect(text).toContain('https://tracker.example/BUG-42');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('e2e-host-1');

    await dialog.getByRole('combobox', { name: 'Format' }).selectOption('pdf');
    const [pdf] = await Promise.all([page.waitForEvent('download', WAIT), dialog.getByRole('button', { name: 'Export PDF' }).click()]);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    expect(
      readFileSync((await pdf.path()) ?? '')
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    await dialog.getByRole('button', { name: 'Close export' }).click();
  });

  it('shows the environment the crashed process started with', async () => {
    await openFirstCrashOfGroup(page);
    const inspect = page.getByRole('region', { name: 'Inspect' });
    await inspect.getByRole('tab', { name: 'Environment' }).click();
    await expect.poll(() => inspect.getByRole('table', { name: 'Environment variables' }).textContent(), WAIT).toMatch(/PATH\//);
  });

  it('shows crashes per day, a histogram and the new groups in the trends view', async () => {
    await page.getByRole('tab', { name: 'Trends' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'New groups' }).textContent(), WAIT).toMatch(/read_retries/);
    await page.getByRole('combobox', { name: 'Histogram attribute' }).selectOption('hostname');
    await expect.poll(() => page.getByRole('table', { name: 'Histogram of hostname' }).textContent(), WAIT).toMatch(/e2e-host-1\s*3/);
    expect(await page.getByRole('region', { name: 'Crashes per day' }).textContent()).toMatch(/3 crashes in the last 30 days/);
    // The chart has axes with dates, and says its total to screen readers.
    expect(await page.getByRole('img', { name: /^3 crashes in 30 days, most on \d{4}-\d\d-\d\d \(\d\)$/ }).count()).toBe(1);
    expect(await page.locator('.daily-chart .u-axis').count()).toBe(2);
  });
});
