import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from '../e2e/browser';
import { startServer } from '../src/server/server';

const RUNS = 5;

/** The UI's first paint and first rows of groups, from navigation, and what the window loads to get there. */
export async function benchFirstPaint(databasePath: string): Promise<void> {
  const assets = join(process.cwd(), 'out', 'renderer', 'assets');
  const sizes = readdirSync(assets)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, kib: statSync(join(assets, name)).size / 1024 }))
    .sort((a, b) => b.kib - a.kib);
  const server = await startServer({ port: 0, databasePath });
  const browser = await launchChromium();
  try {
    const paint: number[] = [];
    const rows: number[] = [];
    let loaded: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await page.goto(server.url);
      await page.locator('table[aria-label="Crash groups"] tbody tr:not([aria-hidden])').first().waitFor({ timeout: 30_000 });
      const timing = await page.evaluate(() => ({
        paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        now: performance.now(),
        scripts: performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((n) => n.endsWith('.js')),
      }));
      paint.push(timing.paint);
      rows.push(timing.now);
      loaded = timing.scripts.map((s) => s.slice(s.lastIndexOf('/') + 1));
      await page.close();
    }
    paint.sort((a, b) => a - b);
    rows.sort((a, b) => a - b);
    const mid = Math.floor(RUNS / 2);
    console.log(
      `UI start in Chromium: first paint median ${paint[mid]?.toFixed(0)} ms, first rows of groups ${rows[mid]?.toFixed(0)} ms after navigation`,
    );
    const main = sizes.find((s) => s.name.startsWith('index-'));
    const editor = sizes.filter((s) => s.name.startsWith('SourceEditor-') || s.name.startsWith('editor.worker'));
    console.log(
      `renderer bundle: ${main?.kib.toFixed(0)} KiB loaded at start (was 8,700 KiB with Monaco in it); Monaco ${editor
        .map((s) => `${s.name.split('-')[0]} ${s.kib.toFixed(0)} KiB`)
        .join(', ')} loaded with the first source shown. Scripts at start: ${loaded.join(', ')}`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}
