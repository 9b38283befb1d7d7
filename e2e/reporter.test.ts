import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalStorage } from '../src/reporter/local-storage';
import { startReporter, type RunningReporter } from '../src/reporter/server';
import { startSession, type Session } from './browser';

const fixtures = inject('fixtures');
const WAIT = { timeout: 30_000 };
const TOKEN = 'e2e-project-token';
let reporter: RunningReporter;
let session: Session;
let page: Page;

const upload = async (core: string, hostname: string) => {
  const response = await fetch(`${reporter.url}/api/v1/crashes`, {
    method: 'PUT',
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      'X-Crash-Metadata': Buffer.from(JSON.stringify({ hostname })).toString('base64url'),
    },
    body: new Uint8Array(readFileSync(core)),
  });
  expect(response.status).toBe(201);
};

beforeAll(async () => {
  reporter = await startReporter({
    port: 0,
    storage: new LocalStorage(mkdtempSync(join(tmpdir(), 'crashwb-e2e-reporter-'))),
    projects: [{ name: 'shop', tokens: [TOKEN] }],
    log: () => undefined,
  });
  await upload(fixtures.nullDeref.core, 'shop-1');
  await upload(fixtures.cpp.core, 'shop-2');
  session = await startSession('reporter');
  page = session.page;
}, 60_000);

afterAll(async () => {
  await session?.close();
  await reporter?.close();
});

describe('a crash reporter as a source, in Chromium through crashwb serve', () => {
  const dialog = () => page.getByRole('dialog', { name: 'Import from a reporter' });
  const status = () => page.getByRole('region', { name: 'Import' }).getByRole('status');

  it('syncs what the reporter collected, with the uploaders’ metadata', async () => {
    await page.goto(session.served.url);
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Import from a reporter…' }).click();
    await dialog().getByLabel('Reporter URL').fill(reporter.url);
    await dialog().getByLabel('Project token').fill(TOKEN);
    await dialog().getByRole('button', { name: 'Sync', exact: true }).click();
    await expect.poll(() => status().textContent(), WAIT).toMatch(/imported 2, already present 0,\s*failed 0/);
    const table = page.getByRole('table', { name: 'Crash groups' });
    await expect.poll(() => table.locator('tbody tr:not([aria-hidden])').count(), WAIT).toBe(2);
    await page.getByRole('searchbox', { name: 'Search crashes' }).fill('shop-2');
    await expect.poll(() => table.locator('tbody tr:not([aria-hidden])').count(), WAIT).toBe(1);
    await page.getByRole('searchbox', { name: 'Search crashes' }).fill('');
  });

  it('keeps the reporter as a source and pulls only what is new on the next sync', async () => {
    await upload(fixtures.abort.core, 'shop-3');
    await page.getByRole('button', { name: 'Import from a reporter…' }).click();
    const listed = dialog().getByRole('list', { name: 'Reporters' }).getByRole('listitem');
    await expect.poll(() => listed.textContent(), WAIT).toMatch(/last synced .* no saved token/);
    // The browser host keeps no secrets: the token is given again.
    await dialog()
      .getByRole('button', { name: `Sync ${reporter.url}` })
      .click();
    await expect.poll(() => dialog().getByRole('alert').textContent(), WAIT).toMatch(/Enter the token/);
    await expect.poll(() => dialog().getByLabel('Reporter URL').inputValue(), WAIT).toBe(reporter.url);
    await dialog().getByLabel('Project token').fill(TOKEN);
    await dialog().getByRole('button', { name: 'Sync', exact: true }).click();
    await expect.poll(() => status().textContent(), WAIT).toMatch(/imported 1, already present 0,\s*failed 0/);
  });

  it('says the token was refused, and keeps what was imported', async () => {
    await page.getByRole('button', { name: 'Import from a reporter…' }).click();
    await dialog().getByLabel('Reporter URL').fill(reporter.url);
    await dialog().getByLabel('Project token').fill('not-the-token');
    await dialog().getByRole('button', { name: 'Sync', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent(), WAIT).toMatch(/refused the token \(403\)/);
    const table = page.getByRole('table', { name: 'Crash groups' });
    await expect.poll(() => table.locator('tbody tr:not([aria-hidden])').count(), WAIT).toBe(3);
  });
});
