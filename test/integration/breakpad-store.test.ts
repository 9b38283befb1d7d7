import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../src/reporter/local-storage';
import { startReporter, type RunningReporter } from '../../src/reporter/server';
import { crashwbAsync as crashwb } from '../fixtures/cli';
import { WIN_DEBUG_ID, windowsAmd64, type Scenario } from '../fixtures/stackwalk-scenarios';

const TOKEN = 'breakpad-store-token-0123456789';
const OTHER = 'breakpad-store-other-0123456789';
let root: string;
let win64: Scenario;
let reporter: RunningReporter;
const symPath = (): string => join(win64.symbols, 'test_app.pdb', WIN_DEBUG_ID, 'test_app.sym');

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'crashwb-breakpad-store-'));
  win64 = windowsAmd64(join(root, 'win64'));
  reporter = await startReporter({
    port: 0,
    storage: new LocalStorage(join(root, 'reporter')),
    projects: [
      { name: 'app', tokens: [TOKEN] },
      { name: 'other', tokens: [OTHER] },
    ],
    log: () => undefined,
  });
});
afterAll(async () => {
  await reporter?.close();
  rmSync(root, { recursive: true, force: true });
});

const put = (url: string, body: string, token = TOKEN) =>
  fetch(`${reporter.url}${url}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body });

describe('Breakpad symbols in the reporter’s store', () => {
  it('takes .sym files with upload-symbols, keyed by their MODULE line, and the second time sends none', async () => {
    const first = await crashwb(['upload-symbols', '--server', reporter.url, '--token', TOKEN, '--json', win64.symbols]);
    expect(first.status, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { sent: Array<{ debugFile?: string; debugId?: string }> };
    expect(report.sent.map((f) => `${f.debugFile}/${f.debugId}`)).toContain(`test_app.pdb/${WIN_DEBUG_ID}`);
    const second = await crashwb(['upload-symbols', '--server', reporter.url, '--token', TOKEN, symPath()]);
    expect(second.stdout).toMatch(/^sent 0, already there 1, refused 0, failed 0/);
  });

  it('serves them in the symbol-store layout from its root, as any Breakpad client asks', async () => {
    const response = await fetch(`${reporter.url}/test_app.pdb/${WIN_DEBUG_ID}/test_app.sym`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(readFileSync(symPath(), 'utf8'));
    const absent = await fetch(`${reporter.url}/test_app.pdb/${'0'.repeat(33)}/test_app.sym`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(absent.status).toBe(404);
    expect((await absent.json()) as { error: string }).toMatchObject({ error: expect.stringMatching(/upload-symbols/) });
  });

  it('names a Windows crash’s frames on a workstation that has only the reporter as symbol server', async () => {
    const result = await crashwb(['analyze', win64.dump, '--json', '--symbol-server', reporter.url, '--symbol-token', TOKEN], {
      CRASHWB_SYMBOL_CACHE: join(root, 'cache'),
    });
    const crash = JSON.parse(result.stdout) as {
      threads: Array<{ crashed: boolean; frames: Array<{ function: string | null; line: number | null }> }>;
    };
    expect(crash.threads.find((t) => t.crashed)?.frames[0]).toMatchObject({ function: 'CrashFunction()', line: 58 });
  });

  it('refuses a file whose MODULE line is not the id or debug file it is sent under, and a debug file with a folder', async () => {
    const text = readFileSync(symPath(), 'utf8');
    const wrongId = await put(`/api/v1/breakpad/test_app.pdb/${'A'.repeat(33)}`, text);
    expect(wrongId.status).toBe(400);
    expect(((await wrongId.json()) as { error: string }).error).toMatch(/debug id is .* not A{33}/);
    const wrongName = await put(`/api/v1/breakpad/other.pdb/${WIN_DEBUG_ID}`, text);
    expect(wrongName.status).toBe(400);
    expect((await put(`/api/v1/breakpad/${encodeURIComponent('../x.pdb')}/${WIN_DEBUG_ID}`, text)).status).toBe(400);
    expect((await put(`/api/v1/breakpad/test_app.pdb/${WIN_DEBUG_ID}`, 'not a symbol file\n')).status).toBe(400);
  });

  it('keeps another project’s copy of the same module on its own shelf: the first sender’s copy stays what others read', async () => {
    const forged = join(root, 'forged.sym');
    writeFileSync(forged, `${readFileSync(symPath(), 'utf8').split('\n')[0]}\nPUBLIC 1000 0 forged\n`);
    const sent = await crashwb(['upload-symbols', '--server', reporter.url, '--token', OTHER, forged]);
    expect(sent.stdout).toMatch(/^sent 1,/);
    const read = (token: string) =>
      fetch(`${reporter.url}/test_app.pdb/${WIN_DEBUG_ID}/test_app.sym`, { headers: { authorization: `Bearer ${token}` } }).then((r) =>
        r.text(),
      );
    expect(await read(OTHER)).toContain('forged');
    expect(await read(TOKEN)).not.toContain('forged');
  });
});
