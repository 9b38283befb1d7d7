import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { crashForCore } from '../test/fixtures/crashers';
import { importWithCli, openFirstCrashOfGroup, startSession, type Session } from './browser';

const WAIT = { timeout: 20_000 };
const root = mkdtempSync(join(tmpdir(), 'crashwb-e2e-tail-'));
let session: Session;

beforeAll(async () => {
  // A NULL name reached through a helper whose last act is strlen: at -O2 the helper jumps to it and leaves the stack.
  const executable = join(root, 'builds');
  execFileSync('gcc', ['-g', '-O2', '-pthread', '-o', executable, join(process.cwd(), 'test', 'fixtures', 'corpus-programs', 'builds.c')]);
  const core = crashForCore(executable, join(root, 'run'), ['tail-strlen']);
  session = await startSession('tail-calls', (db) => {
    importWithCli(db, core, '--exe', executable);
  });
}, 180_000);
afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(session.diagnostics());
});
afterAll(async () => {
  await session?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a tail call put back, in the crash view', () => {
  it('shows the helper between the frames, marked as inferred, and reaches it with the arrow keys', async () => {
    const { page } = session;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(session.served.url);
    const groups = page.getByRole('table', { name: 'Crash groups' });
    await groups.locator('tbody tr').filter({ hasText: 'strlen → name_length' }).click(WAIT);
    await openFirstCrashOfGroup(page);
    const stack = page.getByRole('table', { name: 'Stack' });
    const inferred = stack.locator('tr').filter({ hasText: 'name_length' });
    await inferred.waitFor(WAIT);
    await expect(inferred.getByText('tail call', { exact: true }).getAttribute('title')).resolves.toMatch(/^tail call \(inferred\)/);
    expect(await inferred.locator('td.num').textContent()).toBe('↳');
    // The rows in order: strlen's frame, the helper it was reached through, its caller.
    const labels = await stack.locator('td.fn .fn-label').allTextContents();
    const at = labels.indexOf('name_length');
    expect(labels[at - 1]).toMatch(/strlen/);
    expect(labels[at + 1]).toBe('handle_name');
    await stack.locator('tr').first().click();
    await page.keyboard.press('ArrowDown');
    await expect(inferred.evaluate((row) => row === document.activeElement)).resolves.toBe(true);
  });
});
