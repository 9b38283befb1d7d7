import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CRASHWB_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}; apt-get install chromium or set CRASHWB_CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface Served {
  url: string;
  process: ChildProcess;
  /** What the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the real `crashwb serve` and waits, at most 30 s, for the URL it prints. */
export function serve(databasePath: string): Promise<Served> {
  const child = spawn(process.execPath, [join(process.cwd(), 'bin', 'crashwb.cjs'), 'serve', '--port', '0', '--db', databasePath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`crashwb serve printed no URL within 30 s: ${out}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const url = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out)?.[0];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        url,
        process: child,
        output: () => out,
        stop: () =>
          new Promise((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`crashwb serve exited with ${code}: ${out}`));
    });
  });
}

export interface Session {
  served: Served;
  browser: Browser;
  page: Page;
  /** What the server printed and the page's uncaught errors: for the message of a failed test. */
  diagnostics(): string;
  close(): Promise<void>;
}

/** A fresh `crashwb serve` on its own database, filled first by `prepare` if given, and a Chromium page to drive it. */
export async function startSession(name: string, prepare?: (databasePath: string) => void): Promise<Session> {
  const databasePath = join(mkdtempSync(join(tmpdir(), `crashwb-e2e-${name}-`)), 'wb.db');
  prepare?.(databasePath);
  const served = await serve(databasePath);
  const browser = await launchChromium();
  // A page of its own context: axe-core's Playwright binding asks for one.
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.stack ?? error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  return {
    served,
    browser,
    page,
    diagnostics: () => `server output:\n${served.output()}\npage errors:\n${pageErrors.join('\n') || '(none)'}`,
    close: async () => {
      await browser.close();
      await served.stop();
    },
  };
}

/**
 * Opens the first crash listed on the open group's page, as a person clicks its source, and waits
 * for the crash view: until then the group's page and its representative stack are still shown.
 */
export async function openFirstCrashOfGroup(page: Page): Promise<void> {
  await page.getByRole('table', { name: 'Crashes in group' }).locator('tbody tr').first().locator('button.link').click();
  await page.getByRole('main', { name: 'Crash' }).waitFor({ timeout: 30_000 });
}

/** Imports crashes into a session's database as a person would, with `crashwb import` and its arguments; no symbol server is asked. */
export function importWithCli(databasePath: string, ...args: string[]): void {
  execFileSync(process.execPath, [join(process.cwd(), 'bin', 'crashwb.cjs'), 'import', ...args, '--db', databasePath], {
    stdio: 'ignore',
    env: { ...process.env, DEBUGINFOD_URLS: '' },
  });
}
