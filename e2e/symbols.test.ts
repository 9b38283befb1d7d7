import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildForeignCrash, LIBRARY, type ForeignCrash } from '../test/fixtures/foreign';
import { startSession, type Session } from './browser';

const WAIT = { timeout: 20_000 };
let session: Session;
let page: Page;
let root: string;
let foreign: ForeignCrash;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'crashwb-e2e-symbols-'));
  foreign = buildForeignCrash(root);
  session = await startSession('symbols');
  page = session.page;
});
afterAll(async () => {
  await session?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Chooses a folder by its path; without `go`, as a user who types it and never lists it. */
async function chooseFolder(title: string, path: string, go = true): Promise<void> {
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
  await dialog.getByLabel('Path').fill(path);
  if (go) await dialog.getByRole('button', { name: 'Go' }).click();
  await dialog.getByRole('button', { name: 'Use this folder' }).click();
}

describe('symbols for a crash from another machine, in Chromium through crashwb serve', () => {
  it('locates a missing library from the Modules tab and names its frames, saying where each file came from', async () => {
    await page.goto(session.served.url);
    await page.getByRole('button', { name: 'Open core…' }).click();
    const open = page.getByRole('dialog', { name: 'Open a core' });
    await open.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
    await open.getByLabel('Path').fill(foreign.core);
    await open.getByRole('button', { name: 'Go' }).click();
    const inspect = page.getByRole('region', { name: 'Inspect' });
    await inspect.getByRole('tab', { name: 'Modules' }).click();
    const modules = inspect.getByRole('table', { name: 'Modules' });
    const libraryRow = () => modules.getByRole('row').filter({ hasText: LIBRARY });
    await expect.poll(() => libraryRow().textContent(), WAIT).toMatch(/file not found/);
    expect(await page.getByRole('table', { name: 'Stack' }).textContent()).not.toMatch(/plugin_parse/);

    await libraryRow()
      .getByRole('button', { name: `Locate ${LIBRARY}` })
      .click();
    await chooseFolder(`Choose the folder that holds ${LIBRARY}`, foreign.handed);
    await expect.poll(() => page.getByRole('table', { name: 'Stack' }).textContent(), WAIT).toMatch(/plugin_parse[\s\S]*plugin_handle/);
    await expect.poll(() => libraryRow().textContent(), WAIT).toMatch(/debug info.*library folder.*in the file/);
    expect(await inspect.textContent()).toContain(`Library folders: ${foreign.handed}`);
    await inspect.getByRole('button', { name: 'Keep for every plugin_host' }).click();
    await expect.poll(() => inspect.getByRole('status').textContent(), WAIT).toMatch(/Kept for every crash of plugin_host/);
  });

  it('keeps library folders and symbol servers in the Symbols dialog, and shows the cache', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Symbols…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Symbols' });
    await dialog.getByRole('region', { name: 'Library folders', exact: true }).getByRole('button', { name: 'Add a folder…' }).click();
    await chooseFolder('Choose a library folder', foreign.handed, false);
    await expect
      .poll(() => dialog.getByRole('region', { name: 'Library folders', exact: true }).textContent(), WAIT)
      .toContain(foreign.handed);

    await dialog.getByLabel('Symbol server URL').fill('http://127.0.0.1:1/debuginfod');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect
      .poll(() => dialog.getByRole('region', { name: 'Symbol servers' }).textContent(), WAIT)
      .toMatch(/127\.0\.0\.1:1\/debuginfod.*added here/);
    await dialog.getByLabel('Symbol server URL').fill('http://user:secret@example.org');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    // Refused before anything is sent, with what a server's address is; the list is unchanged.
    await expect.poll(() => dialog.getByRole('alert').textContent(), WAIT).toMatch(/A token goes in its own field, never in the URL/);
    expect(await dialog.getByRole('region', { name: 'Symbol servers' }).getByRole('listitem').count()).toBe(1);
    expect(await dialog.getByRole('region', { name: 'Symbol cache' }).textContent()).toMatch(/files, .* MB of .* MB/);
    expect(await dialog.getByRole('region', { name: 'Library folders per program' }).textContent()).toContain(
      `plugin_host: ${foreign.handed}`,
    );

    await page.reload();
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Symbols…' }).click();
    await expect
      .poll(
        () => page.getByRole('dialog', { name: 'Symbols' }).getByRole('region', { name: 'Library folders', exact: true }).textContent(),
        WAIT,
      )
      .toContain(foreign.handed);
  });
});
