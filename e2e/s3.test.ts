import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { handlerZip } from '../test/fixtures/bundles';
import { S3RVER_KEYS, startS3, type TestS3 } from '../test/fixtures/s3';
import { startSession, type Session, openFirstCrashOfGroup } from './browser';

const fixtures = inject('fixtures');
const WAIT = { timeout: 30_000 };
let s3: TestS3;
let session: Session;
let page: Page;

beforeAll(async () => {
  // crashwb serve inherits these: the browser host takes its credentials from the environment.
  process.env.AWS_ACCESS_KEY_ID = S3RVER_KEYS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = S3RVER_KEYS.secretAccessKey;
  s3 = await startS3(['crashes']);
  const zips = mkdtempSync(join(tmpdir(), 'crashwb-e2e-s3-'));
  await s3.put(
    'crashes',
    'prod/2026-11/' + handlerZip(zips, fixtures.cpp.core).split('/').pop(),
    readFileSync(handlerZip(zips, fixtures.cpp.core)),
  );
  await s3.put('crashes', 'prod/2026-11/core.zst', execFileSync('zstd', ['-c', fixtures.nullDeref.core], { maxBuffer: 1 << 30 }));
  await s3.put('crashes', 'prod/2026-11/notes.txt', 'not a crash');
  session = await startSession('s3');
  page = session.page;
}, 60_000);

afterAll(async () => {
  await session?.close();
  await s3?.close();
});

describe('S3 in Chromium through crashwb serve', () => {
  it('browses buckets and prefixes and recognises crash bundles by name before downloading', async () => {
    await page.goto(session.served.url);
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Import from S3…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import from S3' });
    await dialog.getByLabel('Endpoint').fill(s3.endpoint);
    await dialog.getByRole('button', { name: 'List buckets' }).click();
    await dialog.getByRole('button', { name: 'crashes/' }).click();
    await dialog.getByRole('button', { name: 'prod/' }).click();
    await dialog.getByRole('button', { name: 'prod/2026-11/' }).click();
    const list = dialog.getByRole('list', { name: 'S3 objects' });
    await expect.poll(() => list.getByRole('listitem').count(), WAIT).toBe(3);
    const zip = list.getByRole('listitem').filter({ hasText: '.zip' });
    expect(await zip.textContent()).toMatch(/core-dump-handler zip · .* · hostname node-7 · executable server · pid 4242 · signal 11/);
    expect(await list.getByRole('listitem').filter({ hasText: 'notes.txt' }).textContent()).toMatch(/not a crash/);
  });

  it('imports the selection, then syncs the rest of the prefix', async () => {
    const dialog = page.getByRole('dialog', { name: 'Import from S3' });
    await dialog.getByRole('checkbox', { name: /Select .*\.zip/ }).check();
    await dialog.getByRole('button', { name: 'Import 1 selected' }).click();
    const status = page.getByRole('region', { name: 'Import' }).getByRole('status');
    await expect.poll(() => status.textContent(), WAIT).toMatch(/imported 1, already present 0,\s*failed 0/);
    const table = page.getByRole('table', { name: 'Crash groups' });
    await expect.poll(() => table.textContent(), WAIT).toMatch(/priceOf/);

    await page.getByRole('button', { name: 'Import from S3…' }).click();
    const again = page.getByRole('dialog', { name: 'Import from S3' });
    await again.getByLabel('Endpoint').fill(s3.endpoint);
    await again.getByRole('button', { name: 'List buckets' }).click();
    await again.getByRole('button', { name: 'crashes/' }).click();
    await again.getByRole('button', { name: 'prod/' }).click();
    await again.getByRole('button', { name: 'Sync this prefix' }).click();
    await expect.poll(() => status.textContent(), WAIT).toMatch(/imported 1, already present 1,\s*failed 1/);
    expect(await page.getByRole('list', { name: 'Failed imports' }).textContent()).toMatch(
      /s3:\/\/crashes\/prod\/2026-11\/notes\.txt: .*not a crash/,
    );
    await expect.poll(() => table.textContent(), WAIT).toMatch(/read_retries/);
  });

  it('shows the logs that came in the zip beside the crash', async () => {
    const table = page.getByRole('table', { name: 'Crash groups' });
    await table.locator('tbody tr').filter({ hasText: 'priceOf' }).click();
    await openFirstCrashOfGroup(page);
    await page.getByRole('listbox', { name: 'Threads' }).waitFor(WAIT);
    const inspect = page.getByRole('region', { name: 'Inspect' });
    await inspect.getByRole('tab', { name: 'Logs' }).click();
    await expect.poll(() => inspect.textContent(), WAIT).toMatch(/-0\.log[\s\S]*/);
    await inspect.locator('summary').filter({ hasText: '-0.log' }).click();
    await expect.poll(() => inspect.getByLabel(/Attachment .*-0\.log/).textContent(), WAIT).toMatch(/starting server on :80/);
  });
});

describe('a watched folder set in the browser host', () => {
  it('imports a core copied into it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-e2e-watch-'));
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Watch a folder…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Choose a folder to watch' });
    await dialog.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
    await dialog.getByLabel('Path').fill(dir);
    await dialog.getByRole('button', { name: 'Go' }).click();
    await dialog.getByRole('button', { name: 'Use this folder' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Watched folders' }).textContent(), WAIT).toContain(dir);
    copyFileSync(fixtures.abort.core, join(dir, 'core.abort.1000'));
    const table = page.getByRole('table', { name: 'Crash groups' });
    await expect.poll(() => table.textContent(), WAIT).toMatch(/abort in check_invariant/);
  });
});
