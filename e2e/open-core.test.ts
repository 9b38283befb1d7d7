import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSession, type Session } from './browser';

const fixtures = inject('fixtures');
let session: Session;
let page: Page;

beforeAll(async () => {
  session = await startSession('open');
  page = session.page;
});

afterAll(() => session?.close());

const WAIT = { timeout: 20_000 };

async function openThroughDialog(path: string): Promise<void> {
  await page.getByRole('button', { name: 'Open core…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Open a core' });
  await dialog.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
  await dialog.getByLabel('Path').fill(path);
  await dialog.getByRole('button', { name: 'Go' }).click();
}

/** Waits for the crash view; when it does not come, fails with what the page and the server said. */
async function waitForCrashView(): Promise<void> {
  try {
    await page.getByRole('listbox', { name: 'Threads' }).waitFor(WAIT);
  } catch (error) {
    const body = await page.locator('body').innerText();
    throw new Error(`no crash view: ${(error as Error).message}\npage: ${body.slice(0, 2000)}\nserver: ${session.served.output()}`);
  }
}

describe('the workbench in Chromium through crashwb serve', () => {
  it('opens a core and shows the crashing worker thread first, marked', async () => {
    await page.goto(session.served.url);
    await openThroughDialog(fixtures.workerThread.core);
    await waitForCrashView();
    const threads = page.getByRole('listbox', { name: 'Threads' });
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT)
      .toMatch(/SIGSEGV at 0x0: address not mapped — a NULL pointer dereference/);
    const first = threads.getByRole('option').first();
    expect(await first.getAttribute('aria-selected')).toBe('true');
    expect(await first.textContent()).toMatch(/crashed/);
    expect(await threads.getByRole('option').count()).toBe(4);
    expect(await page.getByRole('table', { name: 'Stack' }).textContent()).toMatch(/store_result.*crashing_worker/);
  });

  it('shows the source line of a frame once its build folder is trusted', async () => {
    await page.getByRole('table', { name: 'Stack' }).getByRole('row').filter({ hasText: 'crashing_worker' }).click();
    const source = page.getByRole('region', { name: 'Source' });
    // The crash names its source files; none is read before the user trusts the folder.
    const trust = source.getByRole('button', { name: /^Read sources from / });
    await trust.waitFor(WAIT);
    expect(await source.locator('.editor').count()).toBe(0);
    await trust.click();
    await expect.poll(() => source.locator('.editor').getAttribute('data-line'), WAIT).toBe('20');
    await expect.poll(() => source.locator('.crash-line').count(), WAIT).toBeGreaterThan(0);
    expect(await source.textContent()).toMatch(/store_result\(&job\);/);
    // Locals arrive from their own request after the frame is selected.
    await expect.poll(() => page.getByRole('region', { name: 'Locals' }).textContent(), WAIT).toMatch(/job/);
  });

  it('says the source is missing and offers to choose its folder', async () => {
    await page.getByRole('table', { name: 'Stack' }).getByRole('row').filter({ hasText: 'clone3' }).click();
    const source = page.getByRole('region', { name: 'Source' });
    await expect.poll(() => source.textContent(), WAIT).toMatch(/Source not found|has no source line/);
  });

  it('lists the opened core among recent files after a reload, and opens one only on Enter', async () => {
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Recent ▾' }).isEnabled(), WAIT).toBe(true);
    await page.getByRole('button', { name: 'Recent ▾' }).click();
    const recent = page.getByRole('listbox', { name: 'Recent files' });
    await expect.poll(() => recent.textContent(), WAIT).toContain(fixtures.workerThread.core);
    // The arrow keys move through the menu without opening anything.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await page.getByRole('listbox', { name: 'Threads' }).count()).toBe(0);
    await page.keyboard.press('Enter');
    await recent.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toMatch(/^SIGSEGV/);
  });

  it('opens a core dropped on the page, uploading it to the server first', async () => {
    const bytes = readFileSync(fixtures.nullDeref.core).toString('base64');
    const transfer = await page.evaluateHandle((data) => {
      const dt = new DataTransfer();
      const raw = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      dt.items.add(new File([raw], 'core', { type: 'application/octet-stream' }));
      return dt;
    }, bytes);
    await page.dispatchEvent('.app', 'drop', { dataTransfer: transfer });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT).toMatch(/^SIGSEGV at 0x8/);
    expect(await page.getByRole('table', { name: 'Stack' }).textContent()).toMatch(/read_retries/);
  });

  it('shows a clear error for a file that is not a core', async () => {
    await openThroughDialog(fixtures.nullDeref.executable);
    await page.getByRole('alert').filter({ hasText: 'not a core dump; pass it as --exe' }).waitFor(WAIT);
  });
});
