import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSession, type Session } from './browser';

const fixtures = inject('fixtures');
const WAIT = { timeout: 20_000 };
let session: Session;
let page: Page;

beforeAll(async () => {
  session = await startSession('console');
  page = session.page;
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
