import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../e2e/browser';
import { startServer } from '../src/server/server';
import { recordTimeline, timelineMarks } from '../src/core/platform/timeline';
import type { CoreFixture } from '../test/fixtures/crashers';

interface OpenTiming {
  /** From the click on Go to the stack's first row on screen. */
  total: number;
  /** From gdb having loaded the core (the server's mark) to the stack's first row on screen. */
  afterLoad: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Opens a core through the Open dialog, as a user does, and times it on both sides of the socket. */
async function openOnce(page: Page, url: string, core: string): Promise<OpenTiming> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Open core…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Open a core' });
  await dialog.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor({ timeout: 30_000 });
  await dialog.getByLabel('Path').fill(core);
  // A user takes a moment to choose the file: the page's own requests have ended by then.
  await page.waitForTimeout(1500);
  // The page notes, on the wall clock, when the first row of a stack is in the document.
  await page.evaluate(() => {
    const w = window as unknown as { stackShownAt?: Promise<number> };
    w.stackShownAt = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!document.querySelector('table[aria-label="Stack"] tbody tr')) return;
        observer.disconnect();
        resolve(performance.timeOrigin + performance.now());
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  });
  recordTimeline();
  const clicked = Date.now();
  await dialog.getByRole('button', { name: 'Go' }).click();
  const shown = await page.evaluate(() => (window as unknown as { stackShownAt: Promise<number> }).stackShownAt);
  const loaded = timelineMarks()
    .filter((m) => m.step === 'gdb loaded the core')
    .at(-1)?.epochMs;
  if (loaded === undefined) throw new Error(`opening ${core}: the server marked no 'gdb loaded the core'`);
  return { total: shown - clicked, afterLoad: shown - loaded };
}

/**
 * Opening cores in the browser host, one after another on a fresh server: the first pays gdb's
 * start-up, later ones find a debugger kept started. Each round starts with a different core.
 */
export async function benchOpenSpeed(root: string, cores: CoreFixture[]): Promise<void> {
  const browser = await launchChromium();
  try {
    const cold = await openRounds(browser, root, cores, false);
    const warm = await openRounds(browser, root, cores, true);
    console.log(
      `open a core in the browser host (${cores.length} rounds of ${cores.length} cores, fresh server each, median): ` +
        `first core ${median(warm.first).toFixed(0)} ms, later cores ${median(warm.later).toFixed(0)} ms with the last core's debugger kept, ` +
        `${median(cold.later).toFixed(0)} ms without — goal: later < first`,
    );
    console.log(
      `stack on screen after gdb loaded the core: median ${median(warm.afterLoad).toFixed(0)} ms, worst ${Math.max(...warm.afterLoad).toFixed(0)} ms — goal < 500 ms`,
    );
  } finally {
    await browser.close();
  }
}

async function openRounds(
  browser: Browser,
  root: string,
  cores: CoreFixture[],
  keepDebugger: boolean,
): Promise<{ first: number[]; later: number[]; afterLoad: number[] }> {
  const first: number[] = [];
  const later: number[] = [];
  const afterLoad: number[] = [];
  for (let round = 0; round < cores.length; round++) {
    const server = await startServer({ port: 0, databasePath: join(root, `open-speed-${keepDebugger}-${round}.db`), keepDebugger });
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      for (let i = 0; i < cores.length; i++) {
        const core = cores[(round + i) % cores.length] as CoreFixture;
        const timing = await openOnce(page, server.url, core.core);
        (i === 0 ? first : later).push(timing.total);
        afterLoad.push(timing.afterLoad);
      }
    } finally {
      await page.close();
      await server.close();
    }
  }
  return { first, later, afterLoad };
}
