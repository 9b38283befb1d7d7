// npm run screenshots: the README's pictures of the main views, from the real UI in Chromium
// through `crashwb serve`, over crashes built and imported during the run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, serve } from '../e2e/browser';
import { buildFixtures } from '../test/fixtures/crashers';
import { windowsAmd64 } from '../test/fixtures/stackwalk-scenarios';

const OUT = join(process.cwd(), 'docs', 'screenshots');
const VIEWPORT = { width: 1440, height: 900 };

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'crashwb-screenshots-'));
  try {
    const fixtures = buildFixtures(join(root, 'cores'));
    const windows = windowsAmd64(join(root, 'windows'));
    const db = join(root, 'wb.db');
    const crashwb = (...args: string[]): void => {
      execFileSync(process.execPath, [join(process.cwd(), 'bin', 'crashwb.cjs'), ...args, '--db', db], {
        stdio: 'ignore',
        env: { ...process.env, DEBUGINFOD_URLS: '' },
      });
    };
    for (const fx of Object.values(fixtures))
      crashwb('import', fx.core, '--exe', fx.executable, '--attr', 'version=2.4.1', '--attr', 'hostname=build-07');
    crashwb('import', windows.dump, '--debug-dir', windows.symbols, '--attr', 'version=2.4.0', '--attr', 'hostname=win-qa-3');

    const served = await serve(db);
    const browser = await launchChromium();
    try {
      const page = await (await browser.newContext({ viewport: VIEWPORT })).newPage();
      await page.goto(served.url);
      const table = page.getByRole('table', { name: 'Crash groups' });
      await table.locator('tbody tr').first().waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(OUT, 'groups.png') });

      await table.locator('tbody tr').filter({ hasText: 'store_result' }).click();
      await page
        .getByRole('main', { name: /^Group \d+$/ })
        .getByRole('region', { name: 'Representative stack' })
        .waitFor({ timeout: 30_000 });
      await page.screenshot({ path: join(OUT, 'group-page.png') });

      await page.getByRole('table', { name: 'Crashes in group' }).locator('tbody tr').first().locator('button.link').click();
      await page.getByRole('listbox', { name: 'Threads' }).waitFor({ timeout: 30_000 });
      // Sources are read only from folders the user trusts: trust the crash's build folder, as a person would.
      await page
        .getByRole('region', { name: 'Source' })
        .getByRole('button', { name: /^Read sources from / })
        .click({ timeout: 30_000 });
      await page.getByRole('region', { name: 'Source' }).locator('.crash-line').first().waitFor({ timeout: 30_000 });
      await page.getByRole('region', { name: 'Debugger console' }).getByText('(gdb)').first().waitFor({ timeout: 30_000 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(OUT, 'crash-view.png') });

      await page.getByRole('tab', { name: 'Groups' }).click();
      await table.locator('tbody tr').filter({ hasText: 'CrashFunction' }).click();
      await page.getByRole('table', { name: 'Crashes in group' }).locator('tbody tr').first().locator('button.link').click();
      await page.getByRole('table', { name: 'Stack' }).getByText('CrashFunction()').waitFor({ timeout: 30_000 });
      await page
        .getByRole('region', { name: 'Debugger console' })
        .getByText(/has been added to/)
        .first()
        .waitFor({ timeout: 30_000 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(OUT, 'windows-minidump.png') });
      console.log(`screenshots written to ${OUT}`);
    } finally {
      await browser.close();
      await served.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
