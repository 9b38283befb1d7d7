import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalStorage } from '../src/reporter/local-storage';
import { startReporter, type RunningReporter } from '../src/reporter/server';
import { startSession, type Session, openFirstCrashOfGroup } from './browser';
import { uploadCore } from '../test/fixtures/upload';

const fixtures = inject('fixtures');
const WAIT = { timeout: 30_000 };
const TOKEN = 'e2e-snapshot-token-01';
let reporter: RunningReporter;
let session: Session;
let page: Page;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'crashwb-e2e-snapshot-'));
  reporter = await startReporter({
    port: 0,
    storage: new LocalStorage(join(root, 'reporter')),
    projects: [{ name: 'shop', tokens: [TOKEN] }],
    log: () => undefined,
  });
  const config = join(root, 'capture.json');
  writeFileSync(config, JSON.stringify({ server: reporter.url, token: TOKEN, snapshot: { debugDirs: [fixtures.stripped.debugDir] } }));
  const sent = await uploadCore(fixtures.stripped.core, ['--config', config, '--spool', mkdtempSync(join(tmpdir(), 'crashwb-e2e-spool-'))]);
  if (sent.status !== 0) throw new Error(`crashwb upload failed: ${sent.out}`);
  session = await startSession('snapshot');
  page = session.page;
}, 90_000);

afterAll(async () => {
  await session?.close();
  await reporter?.close();
});

describe('a crash analysed on its host, in Chromium through crashwb serve', () => {
  it('arrives named without its core, says why there is no console, and fetches the core when asked', async () => {
    await page.goto(session.served.url);
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Import from a reporter…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import from a reporter' });
    await dialog.getByLabel('Reporter URL').fill(reporter.url);
    await dialog.getByLabel('Project token').fill(TOKEN);
    await dialog.getByRole('button', { name: 'Sync', exact: true }).click();
    const table = page.getByRole('table', { name: 'Crash groups' });
    await table.locator('tbody tr').filter({ hasText: 'read_retries' }).click();
    await openFirstCrashOfGroup(page);

    const notice = page.getByRole('status', { name: 'Snapshot' });
    await expect.poll(() => notice.textContent(), WAIT).toMatch(/Analysed on the host where it crashed; its core is not here/);
    expect(await page.getByRole('table', { name: 'Stack' }).textContent()).toMatch(/read_retries/);

    // The developer has the build's debug files: kept in the settings, the core is named here too.
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Symbols…' }).click();
    const symbols = page.getByRole('dialog', { name: 'Symbols' });
    await symbols.getByRole('region', { name: 'Debug folders' }).getByRole('button', { name: 'Add a folder…' }).click();
    const choose = page.getByRole('dialog', { name: 'Choose a debug folder' });
    await choose.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
    await choose.getByLabel('Path').fill(fixtures.stripped.debugDir ?? '');
    await choose.getByRole('button', { name: 'Go' }).click();
    await choose.getByRole('button', { name: 'Use this folder' }).click();
    await expect
      .poll(() => symbols.getByRole('region', { name: 'Debug folders' }).textContent(), WAIT)
      .toContain(fixtures.stripped.debugDir);
    await symbols.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('tab', { name: 'Crash' }).click();

    await notice.getByLabel('Project token').fill(TOKEN);
    await notice.getByRole('button', { name: /^Fetch the core from / }).click();
    await expect.poll(() => notice.count(), WAIT).toBe(0);
    expect(await page.getByRole('table', { name: 'Stack' }).textContent()).toMatch(/read_retries/);
    // With its core here, the crash has a console.
    await expect.poll(() => page.getByRole('region', { name: 'Debugger console' }).textContent(), WAIT).toMatch(/\(gdb\)/);
  });
});
