import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES } from '../../src/core/fingerprint/rules/default-rules';
import { loadReporterConfig } from '../../src/reporter/config';
import { startReporter, type RunningReporter } from '../../src/reporter/server';
import { hostSnapshot, snapshotFrame } from '../fixtures/snapshots';

const RULED = 'ruled-project-token-0123456789';
const PLAIN = 'plain-project-token-0123456789';
let root: string;
let reporter: RunningReporter;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'crashwb-reporter-rules-'));
  // The project's own rules, as its workbench keeps them: parse_a and parse_b are one bug.
  writeFileSync(join(root, 'parser.rules'), `${DEFAULT_RULES}\nstack.function:parse_* -> parser-bug\n`);
  writeFileSync(
    join(root, 'reporter.json'),
    JSON.stringify({
      storage: { type: 'local', dir: 'data' },
      projects: [
        { name: 'ruled', tokens: [RULED], rulesFile: 'parser.rules' },
        { name: 'plain', tokens: [PLAIN] },
      ],
    }),
  );
  reporter = await startReporter({ ...(await loadReporterConfig(join(root, 'reporter.json'))), port: 0, log: () => undefined });
});
afterAll(async () => {
  await reporter?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A host's analysis of a SIGSEGV in `top`, called from main. */
const snapshot = (top: string, coreSha256: string): Buffer =>
  Buffer.from(JSON.stringify(hostSnapshot({ frames: [snapshotFrame(0, top), snapshotFrame(1, 'main')], coreSha256 })));

async function send(token: string, body: Buffer): Promise<{ wants_core?: boolean }> {
  const response = await fetch(`${reporter.url}/api/v1/crashes`, {
    method: 'PUT',
    headers: {
      Authorization: `Bearer ${token}`,
      'X-Crash-Metadata': Buffer.from(JSON.stringify({ kind: 'snapshot' })).toString('base64url'),
    },
    body: new Uint8Array(body),
  });
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as { wants_core?: boolean };
}

describe("a reporter grouping snapshots by a project's own rules", () => {
  it("asks for one core per group as the project's rules draw the groups, and by the built-in rules elsewhere", async () => {
    expect((await send(RULED, snapshot('parse_a', 'a1'.repeat(32)))).wants_core).toBe(true);
    expect((await send(RULED, snapshot('parse_b', 'b1'.repeat(32)))).wants_core).toBe(false);
    expect((await send(PLAIN, snapshot('parse_a', 'a2'.repeat(32)))).wants_core).toBe(true);
    expect((await send(PLAIN, snapshot('parse_b', 'b2'.repeat(32)))).wants_core).toBe(true);
  });

  it('refuses to start on a rules file that does not compile, naming the project and the line', async () => {
    writeFileSync(join(root, 'broken.rules'), 'stack.function:x +nonsense\n');
    writeFileSync(
      join(root, 'broken.json'),
      JSON.stringify({
        storage: { type: 'local', dir: 'data2' },
        projects: [{ name: 'ruled', tokens: [RULED], rulesFile: 'broken.rules' }],
      }),
    );
    await expect(loadReporterConfig(join(root, 'broken.json'))).rejects.toThrow(/broken\.json: project ruled: .*broken\.rules/);
  });
});
