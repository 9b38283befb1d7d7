import AxeBuilder from '@axe-core/playwright';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crashForCore } from '../test/fixtures/crashers';
import { importWithCli, openFirstCrashOfGroup, startSession, type Session } from './browser';

const WAIT = { timeout: 20_000 };
const root = mkdtempSync(join(tmpdir(), 'crashwb-e2e-view-'));
let session: Session;
let page: Page;

/** Serious and critical accessibility violations on the page as it is now, by axe-core. */
async function axeViolations(within?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  const result = await (within ? builder.include(within) : builder).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`)
          .slice(0, 3)
          .join(', ')}`,
    );
}

beforeAll(async () => {
  // A stack overflow: a thousand frames of walk_tree, as a person meets them.
  const source = join(root, 'crasher.c');
  copyFileSync(join(process.cwd(), 'test', 'fixtures', 'corpus-programs', 'crasher.c'), source);
  const executable = join(root, 'crasher');
  execFileSync('gcc', ['-g', '-O0', '-pthread', '-o', executable, source]);
  const core = crashForCore(executable, join(root, 'run'), ['overflow-walk']);
  session = await startSession('crash-view', (db) => {
    importWithCli(db, core, '--exe', executable);
  });
  page = session.page;
}, 180_000);
afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(session.diagnostics());
});
afterAll(async () => {
  await session?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the views a person works in, at 1280×720', () => {
  it('opens on the groups, whose columns all fit, with no serious accessibility violation', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(session.served.url);
    const table = page.getByRole('table', { name: 'Crash groups' });
    await table.locator('tbody tr').first().waitFor(WAIT);
    const status = await table.getByRole('columnheader', { name: /Status/ }).boundingBox();
    expect((status?.x ?? Infinity) + (status?.width ?? 0)).toBeLessThanOrEqual(1280);
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight)).toBe(true);
    expect(await axeViolations()).toEqual([]);
  });

  it('gives up the less needed columns at 1024 px so that a group’s title can still be read', async () => {
    const table = page.getByRole('table', { name: 'Crash groups' });
    await page.setViewportSize({ width: 1024, height: 700 });
    await expect
      .poll(async () => (await table.getByRole('columnheader', { name: 'Group' }).boundingBox())?.width ?? 0, WAIT)
      .toBeGreaterThanOrEqual(280);
    expect(await table.getByRole('columnheader', { name: /First seen/ }).count()).toBe(0);
    expect(await table.getByRole('columnheader', { name: /Last seen/ }).count()).toBe(1);
    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(() => table.getByRole('columnheader', { name: /First seen/ }).count(), WAIT).toBe(1);
  });

  it('heads the list with how many groups are new and regressed, and shows only those on a click', async () => {
    const header = page.getByRole('group', { name: 'Show groups by status' });
    await expect.poll(() => header.getByRole('button', { name: /^New/ }).textContent(), WAIT).toBe('New 1');
    expect(await header.getByRole('button', { name: /^Regressed/ }).textContent()).toBe('Regressed 0');
    const rows = page.getByRole('table', { name: 'Crash groups' }).locator('tbody tr');
    await header.getByRole('button', { name: /^Regressed/ }).click();
    await expect.poll(() => rows.count(), WAIT).toBe(0);
    expect(await header.getByRole('button', { name: /^Regressed/ }).getAttribute('aria-pressed')).toBe('true');
    await header.getByRole('button', { name: /^All/ }).click();
    await expect.poll(() => rows.count(), WAIT).toBe(1);
  });

  it('shows a group’s page with its representative stack beside the source, without serious accessibility violations', async () => {
    await page.getByRole('table', { name: 'Crash groups' }).locator('tbody tr').first().click();
    const representative = page.getByRole('main', { name: /^Group \d+$/ }).getByRole('region', { name: 'Representative stack' });
    await representative.waitFor(WAIT);
    const source = representative.getByRole('region', { name: 'Source' });
    await source.getByRole('button', { name: `Read sources from ${root}` }).click(WAIT);
    await expect.poll(() => source.locator('.editor').getAttribute('data-line'), WAIT).toBe('21');
    expect(await source.getByRole('heading').textContent()).toMatch(/crasher\.c:21$/);
    // The recursion is folded here as in the crash view; a frame chosen shows its own line.
    expect(await representative.locator('tr.folded').count()).toBe(1);
    // The page scrolls inside itself; the window never does.
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight)).toBe(true);
    expect(await axeViolations()).toEqual([]);
  });

  it('folds the recursion of a stack overflow into one row, and unfolds it with Enter', async () => {
    await openFirstCrashOfGroup(page);
    const stack = page.getByRole('table', { name: 'Stack' });
    const folded = stack.locator('tr.folded');
    await folded.waitFor(WAIT);
    expect(await folded.textContent()).toMatch(/^⋮× \d{3,4} frames of walk_tree/);
    // Recursion repeats one return address, which is no inlining.
    expect(await stack.locator('.badge', { hasText: 'inlined' }).count()).toBe(0);
    expect(await axeViolations()).toEqual([]);
    const shown = await stack.locator('tbody tr').count();
    expect(shown).toBeLessThan(20);
    await folded.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => stack.locator('tbody tr').count(), WAIT).toBeGreaterThan(500);
    // Everything of the crash view is inside the window: nothing scrolls the page away.
    expect(await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight)).toBe(true);
    const console = await page.getByRole('region', { name: 'Debugger console' }).boundingBox();
    expect((console?.y ?? Infinity) + (console?.height ?? 0)).toBeLessThanOrEqual(720);
  });

  it('moves between the inspect tabs with the arrow keys', async () => {
    const inspect = page.getByRole('region', { name: 'Inspect' });
    await inspect.getByRole('tab', { name: 'Registers' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => inspect.getByRole('tab', { name: 'Disassembly' }).getAttribute('aria-selected'), WAIT).toBe('true');
    expect(await inspect.getByRole('tab', { name: 'Disassembly' }).evaluate((t) => t === document.activeElement)).toBe(true);
    await page.keyboard.press('End');
    await expect.poll(() => inspect.getByRole('tab', { name: 'Logs' }).getAttribute('aria-selected'), WAIT).toBe('true');
    await page.keyboard.press('Home');
    await expect.poll(() => inspect.getByRole('tab', { name: 'Registers' }).getAttribute('aria-selected'), WAIT).toBe('true');
  });

  it('copies the stack as text', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(session.served.url).origin });
    await page.getByRole('button', { name: 'Copy the stack as text' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Copy the stack as text' }).textContent(), WAIT).toBe('Copied');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.split('\n')[0]).toMatch(/^#0 0x[0-9a-f]+ walk_tree at .*crasher\.c:21$/);
  });

  it('folds the console away and back', async () => {
    await page.getByRole('button', { name: 'Hide console' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Show console' }).count(), WAIT).toBe(1);
    await page.getByRole('button', { name: 'Show console' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Hide console' }).count(), WAIT).toBe(1);
  });

  it('traps the focus in a dialog, closes it on Escape, and has no serious violation in it', async () => {
    await page.getByRole('button', { name: 'Open core…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open a core' });
    await dialog.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
    expect(await axeViolations('[role="dialog"]')).toEqual([]);
    for (let i = 0; i < 40; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('[role="dialog"]') !== null)).toBe(true);
    // The files are one Tab stop, walked with the arrow keys.
    const files = dialog.getByRole('list', { name: 'Files' }).getByRole('button');
    expect(await files.evaluateAll((buttons) => buttons.filter((b) => b.getAttribute('tabindex') === '0').length)).toBe(1);
    await files.first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await files.nth(1).evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count(), WAIT).toBe(0);
  });
});

describe('every action by name, and the keys listed', () => {
  it('opens the command palette with Ctrl+K, finds an action by words and runs it with Enter', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('table', { name: 'Crash groups' }).locator('tbody tr').first().focus();
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor(WAIT);
    expect(await palette.getByRole('option').count()).toBeGreaterThan(8);
    expect(await axeViolations('[role="dialog"]')).toEqual([]);
    await page.keyboard.type('import s3');
    await expect.poll(() => palette.getByRole('option').allTextContents(), WAIT).toEqual([expect.stringMatching(/Import from S3/)]);
    await page.keyboard.press('Enter');
    const s3 = page.getByRole('dialog', { name: 'Import from S3' });
    await s3.waitFor(WAIT);
    await page.keyboard.press('Escape');
    await expect.poll(() => s3.count(), WAIT).toBe(0);
  });

  it('lists the shortcuts on ?, and Ctrl+Shift+P opens the palette too', async () => {
    await page.getByRole('table', { name: 'Crash groups' }).locator('tbody tr').first().focus();
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor(WAIT);
    expect(await help.textContent()).toMatch(/Command palette.*Move in a list or table/s);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    await page.getByRole('dialog', { name: 'Command palette' }).waitFor(WAIT);
    await page.keyboard.press('Escape');
  });
});

describe('the dark colours', () => {
  it('follows the system into dark colours, the editor and console with it, still readable to axe', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('tab', { name: 'Groups' }).click();
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--bg').trim());
    expect(background).toBe('#15191f');
    expect(await axeViolations()).toEqual([]);
    await page.getByRole('table', { name: 'Crash groups' }).locator('tbody tr').first().click();
    await openFirstCrashOfGroup(page);
    await expect.poll(() => page.locator('.monaco-editor.vs-dark').count(), WAIT).toBeGreaterThan(0);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => page.locator('.monaco-editor.vs').count(), WAIT).toBeGreaterThan(0);
  });
});
