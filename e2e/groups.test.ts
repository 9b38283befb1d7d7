import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { startSession, type Session } from './browser';

const fixtures = inject('fixtures');
const root = inject('fixtureRoot');
const WAIT = { timeout: 30_000 };
let session: Session;
let page: Page;

beforeAll(async () => {
  session = await startSession('groups');
  page = session.page;
});

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(session.diagnostics());
});

afterAll(() => session?.close());

describe('triage in Chromium through crashwb serve', () => {
  it('imports a folder with progress and shows one row per group', async () => {
    await page.goto(session.served.url);
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('button', { name: 'Import crashes…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import crashes' });
    await dialog.getByRole('list', { name: 'Files' }).getByRole('listitem').first().waitFor(WAIT);
    await dialog.getByLabel('Path').fill(`${root}/`);
    await dialog.getByRole('button', { name: 'Go' }).click();
    await dialog.getByRole('button', { name: 'Use this folder' }).click();
    // The import's options, as `crashwb import --attr` takes them; a bad line is refused by number.
    const options = page.getByRole('dialog', { name: 'Import options' });
    await options.getByLabel(/^Attributes/).fill('version=9.9.1\nNot A Key');
    await options.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => options.getByRole('alert').textContent(), WAIT).toMatch(/^Attributes, line 2: write key=value/);
    await options.getByLabel(/^Attributes/).fill('version=9.9.1\nhostname=e2e-box\nproject=demo');
    await options.getByRole('button', { name: 'Import' }).click();
    const status = page.getByRole('region', { name: 'Import' }).getByRole('status');
    await expect.poll(() => status.textContent(), WAIT).toMatch(/imported \d+, already present 0, failed 0/);
    const table = page.getByRole('table', { name: 'Crash groups' });
    // Without --debug-dir the stripped build is its own group: one group per fixture core.
    await expect.poll(() => table.locator('tbody tr:not([aria-hidden])').count(), WAIT).toBe(Object.keys(fixtures).length);
    expect(await table.textContent()).toMatch(/abort in check_invariant/);
    await expect.poll(() => table.locator('tbody tr').first().textContent(), WAIT).toMatch(/9\.9\.1.*e2e-box/);
  });

  it('sorts by a column and opens a crash of a group', async () => {
    const table = page.getByRole('table', { name: 'Crash groups' });
    await table.getByRole('button', { name: /^Group/ }).click();
    await expect.poll(() => table.getByRole('columnheader', { name: /Group/ }).getAttribute('aria-sort'), WAIT).toBe('ascending');
    await table.locator('tbody tr').filter({ hasText: 'store_result' }).click();
    const groupPage = page.getByRole('main', { name: /^Group \d+$/ });
    await groupPage.getByRole('region', { name: 'Representative stack' }).waitFor(WAIT);
    await expect
      .poll(() => groupPage.getByRole('region', { name: 'Representative stack' }).textContent(), WAIT)
      .toMatch(/store_result.*crashing_worker/);
    const crashes = groupPage.getByRole('region', { name: 'Crashes' });
    await crashes
      .getByRole('button', { name: /^Diff / })
      .first()
      .click();
    const diff = crashes.getByRole('region', { name: 'Stack diff' });
    await diff.waitFor(WAIT);
    await expect.poll(() => diff.textContent(), WAIT).toMatch(/The stacks are the same\..*Same fingerprint/);
    expect(await diff.getByRole('row', { name: 'same frame' }).first().textContent()).toMatch(/store_result/);
    await crashes.getByRole('table', { name: 'Crashes in group' }).locator('tbody tr').first().getByRole('button').first().click();
    const crashStack = page.getByRole('main', { name: 'Crash' }).getByRole('table', { name: 'Stack' });
    await expect.poll(() => crashStack.textContent(), WAIT).toMatch(/store_result/);
  });

  it('narrows the table by full-text search', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('searchbox', { name: 'Search crashes' }).fill('check_invariant');
    const table = page.getByRole('table', { name: 'Crash groups' });
    await expect.poll(() => table.locator('tbody tr:not([aria-hidden])').count(), WAIT).toBe(1);
    expect(await table.textContent()).toMatch(/abort in check_invariant/);
    // A quoted search finds its word; quotes alone find nothing and say why.
    await page.getByRole('searchbox', { name: 'Search crashes' }).fill('"check_invariant"');
    await expect.poll(() => table.textContent(), WAIT).toMatch(/abort in check_invariant/);
    expect(await table.locator('tbody tr:not([aria-hidden])').count()).toBe(1);
    await page.getByRole('searchbox', { name: 'Search crashes' }).fill('""');
    await expect.poll(() => page.locator('.groups-table .empty').textContent(), WAIT).toMatch(/has no word or name to look for/);
    await page.getByRole('searchbox', { name: 'Search crashes' }).fill('');
    await expect.poll(() => table.locator('tbody tr:not([aria-hidden])').count(), WAIT).toBe(Object.keys(fixtures).length);
  });

  it('shows each group’s crashes of the last 30 days and sorts by them on the server', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    const table = page.getByRole('table', { name: 'Crash groups' });
    await table.getByRole('button', { name: /^Last 30 days/ }).click();
    await expect.poll(() => table.getByRole('columnheader', { name: /Last 30 days/ }).getAttribute('aria-sort'), WAIT).toBe('descending');
    // The rows in the new order come from the server after the header changes.
    await expect
      .poll(() => table.getByRole('img', { name: '1 crash in the last 30 days' }).count(), WAIT)
      .toBe(Object.keys(fixtures).length);
  });

  it('changes a group status from its page, and undoes it', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    const table = page.getByRole('table', { name: 'Crash groups' });
    await table.locator('tbody tr').filter({ hasText: 'check_invariant' }).click();
    const groupPage = page.getByRole('main', { name: /^Group \d+$/ });
    await groupPage.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => groupPage.locator('.status-badge').first().textContent(), WAIT).toBe('resolved');
    await page
      .getByRole('status')
      .filter({ hasText: /Marked group #\d+ resolved/ })
      .getByRole('button', { name: 'Undo' })
      .click();
    await expect.poll(() => groupPage.locator('.status-badge').first().textContent(), WAIT).toBe('new');
  });

  it('triages with the keyboard alone: opens a group, walks and opens a crash, moves through frames, merges with a confirmation and undoes it', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    const table = page.getByRole('table', { name: 'Crash groups' });
    const groupPage = page.getByRole('main', { name: /^Group \d+$/ });
    await table.locator('tbody tr[tabindex="0"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await groupPage.waitFor(WAIT);
    // Escape goes back to the table; Enter opens the group again.
    await page.keyboard.press('Escape');
    await table.waitFor(WAIT);
    await table.locator('tbody tr[tabindex="0"]').focus();
    await page.keyboard.press('Enter');
    const crashes = groupPage.getByRole('table', { name: 'Crashes in group' });
    await crashes.locator('tbody tr[tabindex="0"]').focus();
    await page.keyboard.press('Enter');
    // The group's page has a stack of its own until the crash is loaded: take the crash's.
    const stack = page.getByRole('main', { name: 'Crash' }).getByRole('table', { name: 'Stack' });
    await stack.waitFor(WAIT);
    await stack.locator('tbody tr[tabindex="0"]').focus();
    await page.keyboard.press('ArrowDown');
    // The registers follow the selected frame.
    await expect.poll(() => page.getByRole('group', { name: 'Registers of frame #1' }).count(), WAIT).toBe(1);
    // Escape goes back from the crash to its group.
    await page.keyboard.press('Escape');
    await groupPage.waitFor(WAIT);

    await page.getByRole('tab', { name: 'Groups' }).focus();
    await page.keyboard.press('Enter');
    await table.locator('tbody tr[tabindex="0"]').focus();
    await page.keyboard.press('Enter');
    const choice = groupPage.getByRole('combobox', { name: 'Group to merge into' });
    const target = await choice.locator('option').nth(1).getAttribute('value');
    await choice.selectOption(target ?? '');
    await choice.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: 'Merge groups' });
    await confirm.waitFor(WAIT);
    // The dialog has the focus; Escape cancels and nothing is merged.
    await page.keyboard.press('Escape');
    await expect.poll(() => confirm.count(), WAIT).toBe(0);
    await groupPage.getByRole('button', { name: 'Merge…' }).focus();
    await page.keyboard.press('Enter');
    await confirm.waitFor(WAIT);
    await page.keyboard.press('Enter');
    const notice = page.getByRole('status').filter({ hasText: /^Merged group #\d+ into #\d+/ });
    await notice.waitFor(WAIT);
    await notice.getByRole('button', { name: 'Undo' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => notice.count(), WAIT).toBe(0);
    await page.getByRole('tab', { name: 'Groups' }).click();
    await expect.poll(() => table.locator('tbody tr:not([aria-hidden])').count(), WAIT).toBe(Object.keys(fixtures).length);
  });

  it('resolves ticked groups in one step, and undoes them in one', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    const table = page.getByRole('table', { name: 'Crash groups' });
    const boxes = table.getByRole('checkbox', { name: /^Tick group / });
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    const bar = page.getByRole('toolbar', { name: 'Ticked groups' });
    expect(await bar.textContent()).toMatch(/^2 groups ticked/);
    await bar.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => table.locator('.status-badge', { hasText: 'resolved' }).count(), WAIT).toBe(2);
    await page
      .getByRole('status')
      .filter({ hasText: /^Marked 2 groups resolved/ })
      .getByRole('button', { name: 'Undo' })
      .click();
    await expect.poll(() => table.locator('.status-badge', { hasText: 'resolved' }).count(), WAIT).toBe(0);
  });

  it('edits the grouping rules: an error is shown at its line, Check tries them, Apply regroups and Undo puts it back', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    const table = page.getByRole('table', { name: 'Crash groups' });
    const rows = () => table.locator('tbody tr:not([aria-hidden])').count();
    const before = await rows();
    await page.getByRole('button', { name: 'Grouping rules…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Grouping rules' });
    const editor = dialog.getByRole('textbox', { name: 'Rules' });
    await expect.poll(() => editor.inputValue(), WAIT).toMatch(/^# Crash Workbench default grouping rules/);
    const defaults = await editor.inputValue();
    const badLine = defaults.split('\n').length;
    await editor.fill(`${defaults}stack.fnction:x -app\n`);
    await expect.poll(() => dialog.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Check' }).click();
    const alert = dialog.getByRole('alert');
    await expect.poll(() => alert.textContent(), WAIT).toContain(`Line ${badLine}: unknown field "stack.fnction"`);
    expect(await dialog.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
    // Beside the text, the line is marked, its reason in the mark's tooltip.
    const marked = dialog.locator('.rules-gutter .error-line');
    expect(await marked.count()).toBe(1);
    expect(await marked.textContent()).toContain(String(badLine));
    expect(await marked.getAttribute('title')).toMatch(/unknown field "stack.fnction"/);
    // The error's line button takes the caret to that line.
    await dialog.getByRole('button', { name: `Line ${badLine}` }).click();
    const selected = await editor.evaluate((e: HTMLTextAreaElement) => e.value.slice(e.selectionStart, e.selectionEnd));
    expect(selected).toBe('stack.fnction:x -app');
    await editor.fill(`${defaults}stack.function:check_invariant -> one\nstack.function:store_result -> one\n`);
    await dialog.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => dialog.textContent(), WAIT).toMatch(/1 group would gather others/);
    expect(await dialog.textContent()).toMatch(/Would merge.*check_invariant.*store_result|Would merge.*store_result.*check_invariant/);
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await expect.poll(rows, WAIT).toBe(before - 1);
    const notice = page.getByRole('status').filter({ hasText: /^Regrouped \d+ crashes by rules [0-9a-f]{12}/ });
    await notice.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(rows, WAIT).toBe(before);

    // The rules of one project (the crashes imported with project=demo), told apart in the notice.
    await page.getByRole('button', { name: 'Grouping rules…' }).click();
    await dialog.getByRole('combobox', { name: /^Rules of/ }).selectOption('demo');
    await expect.poll(() => dialog.textContent(), WAIT).toMatch(/the database’s rules, which project demo follows until it has its own/);
    await expect.poll(() => editor.inputValue(), WAIT).toMatch(/^# Crash Workbench default grouping rules/);
    await editor.fill(`${defaults}stack.function:check_invariant -> one\nstack.function:store_result -> one\n`);
    await dialog.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => dialog.textContent(), WAIT).toMatch(/1 group would gather others/);
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });
    await expect.poll(rows, WAIT).toBe(before - 1);
    const projectNotice = page.getByRole('status').filter({ hasText: /by rules [0-9a-f]{12} for project demo/ });
    await projectNotice.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(rows, WAIT).toBe(before);
  });

  it('says in the crash view why a crash is in its group, rule by rule', async () => {
    await page.getByRole('tab', { name: 'Groups' }).click();
    await page.getByRole('table', { name: 'Crash groups' }).locator('tbody tr').filter({ hasText: 'check_invariant' }).click();
    const groupPage = page.getByRole('main', { name: /^Group \d+$/ });
    await groupPage
      .getByRole('region', { name: 'Crashes' })
      .getByRole('table', { name: 'Crashes in group' })
      .locator('tbody tr')
      .first()
      .getByRole('button')
      .first()
      .click();
    await page.getByRole('tablist', { name: 'Inspect' }).getByRole('tab', { name: 'Grouping' }).click();
    const view = page.getByRole('tabpanel', { name: 'Grouping' });
    await expect.poll(() => view.textContent(), WAIT).toMatch(/Signature check_invariant/);
    expect(await view.textContent()).toMatch(/Mechanism abort, rule on line \d+/);
    expect(await view.textContent()).toMatch(
      /#\d+ check_invariant.*the program’s own top frame|#\d+ check_invariant.*the program's own top frame/,
    );
    expect(await view.textContent()).toMatch(/stack\.function:raise \+machinery → crash machinery/);
  });
});
