import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';

const fixtures = inject('fixtures');
const BIN = join(process.cwd(), 'bin', 'crashwb.cjs');
let dir: string;
let db: string;
const crashwb = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 90_000 });

interface Event {
  id: string;
  groupId: number;
  source: string;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crashwb-report-cli-'));
  db = join(dir, 'wb.db');
  for (const [core, version] of [
    [fixtures.nullDeref.core, '1.0'],
    [fixtures.abort.core, '1.0'],
    [fixtures.workerThread.core, '2.0'],
  ] as const) {
    const imported = crashwb('import', '--db', db, '--attr', `version=${version}`, '--attr', 'api_token=tok-should-not-leave', core);
    expect(imported.status, imported.stderr).toBe(0);
  }
}, 120_000);

const events = (): Event[] => JSON.parse(crashwb('events', '--db', db, '--json').stdout) as Event[];

describe('crashwb groups --histogram, trends, compare and export', () => {
  it('groups --since 7d --histogram version shows each group’s versions and all of them', () => {
    const text = crashwb('groups', '--db', db, '--since', '7d', '--histogram', 'version');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/version {2}1\.0\s+█+ 2/);
    expect(text.stdout).toMatch(/All 3 crashes:/);
    const json = crashwb('groups', '--db', db, '--since', '7d', '--histogram', 'version', '--json');
    const groups = JSON.parse(json.stdout) as Array<{ histogram: { version: { values: Array<{ value: string; count: number }> } } }>;
    expect(groups).toHaveLength(3);
    expect(groups.flatMap((g) => g.histogram.version.values.map((v) => v.value)).sort()).toEqual(['1.0', '1.0', '2.0']);
  });

  it('trends prints crashes per day and the new groups', () => {
    const result = crashwb('trends', '--db', db, '--days', '7');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Crashes per day, last 7 days:/);
    expect(result.stdout).toMatch(/New groups \(3\):/);
    expect(crashwb('trends', '--db', db, '--days', '0').status).toBe(2);
  });

  it('compare explains why two crashes are in different groups', () => {
    const [a, b] = events();
    const result = crashwb('compare', '--db', db, (a?.id ?? '').slice(0, 12), (b?.id ?? '').slice(0, 12));
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Different groups:/);
    expect(result.stdout).toMatch(/Stacks \(- only in the first/);
    const groups = crashwb('compare', '--db', db, '--groups', String(a?.groupId), String(b?.groupId), '--json');
    expect(JSON.parse(groups.stdout)).toMatchObject({ a: { id: a?.groupId }, b: { id: b?.groupId }, explanation: { sameGroup: false } });
  });

  it('export --event writes a redacted report, and --preview lists what it removes', () => {
    const [first] = events();
    const out = join(dir, 'crash.md');
    const result = crashwb('export', '--db', db, '--event', (first?.id ?? '').slice(0, 12), '--format', 'md', '--out', out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/wrote .*crash\.md \(redacted \d+ places/);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# Crash [0-9a-f]{12}: /);
    expect(text).not.toContain('tok-should-not-leave');
    const preview = crashwb('export', '--db', db, '--event', (first?.id ?? '').slice(0, 12), '--format', 'md', '--preview');
    expect(preview.stdout).toMatch(/secret\s+1×\s+attribute api_token: tok-should-not-leave/);
    const raw = crashwb(
      'export',
      '--db',
      db,
      '--group',
      String(first?.groupId),
      '--format',
      'json',
      '--out',
      join(dir, 'g.json'),
      '--no-redact',
    );
    expect(raw.status, raw.stderr).toBe(0);
    expect(readFileSync(join(dir, 'g.json'), 'utf8')).toContain('tok-should-not-leave');
  });

  it('export refuses unclear requests with a usage error, and unknown crashes with a hint', () => {
    expect(crashwb('export', '--db', db, '--event', 'abcd', '--group', '1', '--format', 'md', '--out', '/tmp/x').status).toBe(2);
    expect(crashwb('export', '--db', db, '--group', '1', '--format', 'docx', '--out', '/tmp/x').status).toBe(2);
    const missing = crashwb('export', '--db', db, '--event', 'ffffffff', '--format', 'md', '--out', join(dir, 'x.md'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no crash with an id starting ffffffff; crashwb events lists them/);
  });
});
