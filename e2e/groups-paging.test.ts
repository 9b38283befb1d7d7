import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrashStore } from '../src/core/store/crash-store';
import { openDatabase } from '../src/core/store/database';
import { GroupStore } from '../src/core/store/group-store';
import { indexCrash } from '../src/core/store/search-index';
import { syntheticCrash } from '../test/fixtures/synthetic-crashes';
import { startSession, type Session } from './browser';

const GROUPS = 700;
const WAIT = { timeout: 30_000 };
let session: Session;
let page: Page;

function fill(databasePath: string): void {
  const db = openDatabase(databasePath);
  const crashes = new CrashStore(db);
  const groups = new GroupStore(db);
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < GROUPS * 2; i++) {
      const { crash, fp } = syntheticCrash(i, GROUPS, now);
      crashes.save(crash, now);
      groups.assign(crash.id, fp, crash.timestamp);
      indexCrash(db, crash, fp.title);
    }
  })();
  db.close();
}

beforeAll(async () => {
  session = await startSession('paging', fill);
  page = session.page;
}, 60_000);

afterAll(() => session?.close());

describe('a groups table bigger than one page', () => {
  const table = () => page.getByRole('table', { name: 'Crash groups' });
  const rendered = () => table().locator('tbody tr[aria-rowindex]');

  it('shows the first rows, counting every group', async () => {
    await page.goto(session.served.url);
    await page.getByRole('tab', { name: 'Groups' }).click();
    await rendered().first().waitFor(WAIT);
    expect(await page.getByRole('status', { name: 'Matching' }).textContent()).toBe(
      `${GROUPS} groups · ${(GROUPS * 2).toLocaleString('en-US')} crashes`,
    );
    expect(await table().getAttribute('aria-rowcount')).toBe(String(GROUPS + 1));
    expect(await rendered().count()).toBeLessThan(100);
  });

  it('loads the rows it scrolls to, down to the last', async () => {
    await page.locator('.groups-table').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await table()
      .locator(`tr[aria-rowindex="${GROUPS + 1}"]`)
      .waitFor(WAIT);
    expect(await rendered().count()).toBeLessThan(100);
  });

  it('asks the server for a new order when a header is clicked', async () => {
    await page.locator('.groups-table').evaluate((el) => el.scrollTo(0, 0));
    await table()
      .getByRole('button', { name: /^Versions/ })
      .click();
    await expect
      .poll(
        () =>
          table()
            .getByRole('columnheader', { name: /Versions/ })
            .getAttribute('aria-sort'),
        WAIT,
      )
      .toBe('descending');
    // Crashes i and i + 700 of a group have versions 1.g.(i % 3) and 1.g.((i + 1) % 3): every group has two (column 3, after the tick, the title and the count).
    await expect.poll(() => rendered().first().locator('td').nth(3).textContent(), WAIT).toMatch(/^1\.\d+\.\d, 1\.\d+\.\d$/);
    await table()
      .getByRole('button', { name: /^Group/ })
      .click();
    await expect.poll(() => rendered().first().locator('td').nth(1).textContent(), WAIT).toBe('SIGSEGV in module0::handler_0');
  });
});
