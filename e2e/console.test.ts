import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSession, type Session } from './browser';

const fixtures = inject('fixtures');
const WAIT = { timeout: 20_000 };
let session: Session;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  session = await startSession('console');
  page = session.page;
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(() => session?.close());

const consoleRegion = () => page.getByRole('region', { name: 'Debugger console' });
/** What the terminal shows, row by row as xterm.js renders it. */
const screen = () => consoleRegion().locator('.xterm-rows').innerText();
const selectedFrame = () => page.getByRole('table', { name: 'Stack' }).locator('tr[aria-selected="true"] td.num').textContent();

describe('the debugger console in Chromium through crashwb serve', () => {
  it('opens with the crash on the same gdb and answers a typed command', async () => {
    await page.goto(session.served.url);
    await page.getByRole('button', { name: 'Open core…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Open a core' });
    await dialog.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
    await dialog.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor();
    await dialog.getByLabel('Path').fill(fixtures.workerThread.core);
    await dialog.getByRole('button', { name: 'Go' }).click();
    await page.getByRole('listbox', { name: 'Threads' }).waitFor(WAIT);
    await expect.poll(screen, WAIT).toMatch(/\(gdb\)/);
    await consoleRegion().locator('.xterm').click();
    await page.keyboard.type('info registers\n');
    // The answer is longer than the terminal is high; the segment registers are among its last rows.
    await expect.poll(screen, WAIT).toMatch(/\bgs\s+0x[0-9a-f]+\s+\d+/);
  });

  it('moves the stack view when `frame 1` is typed, and the console when a frame is clicked', async () => {
    await consoleRegion().locator('.xterm').click();
    await page.keyboard.type('frame 1\n');
    await expect.poll(selectedFrame, WAIT).toBe('#1');
    expect(await page.getByRole('table', { name: 'Stack' }).locator('tr[aria-selected="true"]').textContent()).toMatch(/crashing_worker/);

    await page.getByRole('table', { name: 'Stack' }).getByRole('row').filter({ hasText: 'store_result' }).click();
    await expect.poll(screen, WAIT).toMatch(/#0 .*store_result[\s\S]*$/);
  });

  it('follows a thread picked in the thread list', async () => {
    const threads = page.getByRole('listbox', { name: 'Threads' });
    const other = threads.getByRole('option').nth(1);
    const number = /Thread (\d+)/.exec((await other.textContent()) ?? '')?.[1];
    await other.click();
    await expect.poll(screen, WAIT).toMatch(new RegExp(`Switching to thread ${number} `));
  });
});

describe('inspection views on the console’s debugger', () => {
  const inspect = () => page.getByRole('region', { name: 'Inspect' });

  it('disassembles the selected frame, marking the faulting instruction under its source line', async () => {
    await page.getByRole('listbox', { name: 'Threads' }).getByRole('option').first().click();
    await page.getByRole('table', { name: 'Stack' }).getByRole('row').filter({ hasText: 'store_result' }).click();
    // Source lines come from folders the user trusts, in the disassembly as in the source view.
    const source = page.getByRole('region', { name: 'Source' });
    await source.getByRole('button', { name: /^Read sources from / }).click(WAIT);
    await source.locator('.editor').waitFor(WAIT);
    await inspect().getByRole('tab', { name: 'Disassembly' }).click();
    const current = inspect().locator('tr[aria-current="true"]');
    await current.waitFor(WAIT);
    expect(await current.textContent()).toMatch(/mov\s/);
    expect(await inspect().getByRole('table', { name: 'Disassembly' }).textContent()).toMatch(
      /worker_thread\.c:12\s*\*job->result = job->id \* 2;/,
    );
  });

  it('reads memory at the stack pointer as hex and ASCII, in rows that fit the panel, following the frame', async () => {
    await inspect().getByRole('tab', { name: 'Memory' }).click();
    // Read at once, without pressing Read: 256 bytes in rows of 16 or, in a narrow panel, of 8.
    const rows = inspect().getByRole('table', { name: 'Memory' }).getByRole('row');
    await expect.poll(() => rows.count(), WAIT).toBeGreaterThanOrEqual(16);
    const cells = rows.first().getByRole('cell');
    const bytes = (await cells.nth(1).textContent())?.trim().split(' ') ?? [];
    expect([8, 16]).toContain(bytes.length);
    expect(await rows.count()).toBe(256 / bytes.length);
    expect(await cells.nth(0).textContent()).toMatch(/^0x[0-9a-f]+$/);
    expect(bytes.every((b) => /^[0-9a-f]{2}$/.test(b))).toBe(true);
    // The table fits the panel: nothing runs off its right edge.
    const overflow = await inspect()
      .locator('.memory')
      .evaluate((e) => e.scrollWidth - e.clientWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    const atFrame0 = await cells.nth(0).textContent();
    await page.getByRole('table', { name: 'Stack' }).getByRole('row').filter({ hasText: 'crashing_worker' }).click();
    await expect.poll(() => rows.first().getByRole('cell').nth(0).textContent(), WAIT).not.toBe(atFrame0);
  });

  it('opens a structure in the live locals', async () => {
    await page.getByRole('table', { name: 'Stack' }).getByRole('row').filter({ hasText: 'crashing_worker' }).click();
    const tree = page.getByRole('tree', { name: 'Variables' });
    await tree.getByRole('button', { name: 'Open job' }).click();
    await expect.poll(() => tree.getByRole('treeitem', { name: 'job' }).textContent(), WAIT).toMatch(/id\s*7[\s\S]*result\s*0x0/);
  });
});

describe('modules', () => {
  it('symbolizes a stripped build once its debug directory is added from the modules view', async () => {
    await page.getByRole('button', { name: 'Open core…' }).click();
    const open = page.getByRole('dialog', { name: 'Open a core' });
    await open.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
    await open.getByLabel('Path').fill(fixtures.stripped.core);
    await open.getByRole('button', { name: 'Go' }).click();
    const inspect = page.getByRole('region', { name: 'Inspect' });
    await inspect.getByRole('tab', { name: 'Modules' }).click();
    const row = () => inspect.getByRole('table', { name: 'Modules' }).getByRole('row').filter({ hasText: 'stripped' }).first();
    await expect.poll(() => row().textContent(), WAIT).toMatch(/symbols only|no symbols/);
    expect(await page.getByRole('table', { name: 'Stack' }).textContent()).not.toMatch(/read_retries/);

    await inspect.getByRole('button', { name: 'Add debug directory…' }).click();
    const choose = page.getByRole('dialog', { name: 'Choose a debug directory' });
    await choose.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
    await choose.getByLabel('Path').fill(fixtures.stripped.debugDir ?? '');
    await choose.getByRole('button', { name: 'Go' }).click();
    await choose.getByRole('button', { name: 'Use this folder' }).click();
    await expect.poll(() => page.getByRole('table', { name: 'Stack' }).textContent(), WAIT).toMatch(/read_retries/);
    await expect.poll(() => row().textContent(), WAIT).toMatch(/debug info/);
    // The console starts again on the new analysis, with the debug directory loaded.
    await expect.poll(screen, WAIT).toMatch(/#0 .* in read_retries \(cfg=0x0\)/);
  });
});

describe('settings', () => {
  const setDefaultDebugger = async (kind: 'gdb' | 'lldb'): Promise<void> => {
    await page.getByRole('button', { name: 'Settings…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByRole('combobox', { name: 'Default debugger' }).selectOption(kind);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
  };
  const savedDebugger = async (): Promise<string> => {
    await page.getByRole('button', { name: 'Settings…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const value = await dialog.getByRole('combobox', { name: 'Default debugger' }).inputValue();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    return value;
  };

  it('changes no setting until Save: a choice cancelled with Escape is dropped', async () => {
    await page.getByRole('button', { name: 'Settings…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const select = dialog.getByRole('combobox', { name: 'Default debugger' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), WAIT).toBe('Default debugger');
    await select.press('ArrowDown');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('button', { name: 'Settings…' }).waitFor(WAIT);
    await expect.poll(() => page.getByRole('button', { name: 'Settings…' }).isEnabled(), WAIT).toBe(true);
    expect(await savedDebugger()).toBe('gdb');
  });

  it('keeps the default debugger, which the next core is opened with', async () => {
    await setDefaultDebugger('lldb');
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Settings…' }).isEnabled(), WAIT).toBe(true);
    expect(await savedDebugger()).toBe('lldb');
    await page.getByRole('button', { name: 'Open core…' }).click();
    const open = page.getByRole('dialog', { name: 'Open a core' });
    await open.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
    await open.getByLabel('Path').fill(fixtures.abort.core);
    await open.getByRole('button', { name: 'Go' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Debugger console' }).getByRole('heading').textContent(), WAIT)
      .toMatch(/lldb/);
    await expect.poll(screen, WAIT).toMatch(/\(lldb\)/);
    await setDefaultDebugger('gdb');
  });
});

describe('the page after all that', () => {
  it('threw no uncaught errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
