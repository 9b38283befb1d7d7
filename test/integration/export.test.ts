import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../src/core/workbench';
import { crashForCore } from '../fixtures/crashers';
import type { ExportFormat, ExportRequest, RedactionRules } from '../../src/shared/model';

/** Secrets planted in every place a crash can carry one; none may be in a redacted export. */
const PLANTED = {
  envValue: 'PlantedEnvValue123',
  argPassword: 'PlantedArgPass1',
  argToken: 'PlantedArgToken2',
  attrToken: 'PlantedAttrTok3',
  urlPassword: 'PlantedUrlPass4',
  host: 'planted-host-5',
  ip: '10.20.30.40',
  sourceKey: 'AKIAIOSFODNN7EXAMPLE',
  home: '/home/alice',
  notePassword: 'PlantedNotePass6',
  noteUrlPassword: 'PlantedNoteUrl7',
};
const STRICT: RedactionRules = {
  environment: true,
  secrets: true,
  homePaths: true,
  hostnames: true,
  ipAddresses: true,
  keys: [],
  patterns: [],
};

let wb: Workbench;
let crashId: string;
let groupId: number;
let out: string;

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'" };
const htmlText = (html: string): string => html.replace(/<[^>]*>/g, ' ').replace(/&(?:lt|gt|amp|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/** The text of an export: PDFs through pdftotext (poppler-utils). */
function textOf(format: ExportFormat, base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  if (format === 'html') return htmlText(bytes.toString('utf8'));
  if (format !== 'pdf') return bytes.toString('utf8');
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  const file = join(out, `report-${Date.now()}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

async function exported(request: ExportRequest): Promise<string> {
  const file = await wb.exportReport(request);
  return textOf(request.format, file.base64);
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'crashwb-export-'));
  const src = join(out, 'src');
  mkdirSync(src);
  copyFileSync(join(process.cwd(), 'test', 'fixtures', 'programs', 'leaky.c'), join(src, 'leaky.c'));
  const exe = join(out, 'leaky');
  // Built as if in alice's home: every source path in the debug info names it.
  execFileSync('gcc', ['-g', '-O0', `-fdebug-prefix-map=${src}=${PLANTED.home}/src`, '-o', exe, join(src, 'leaky.c')]);
  const core = crashForCore(exe, join(out, 'run'), [`--password=${PLANTED.argPassword}`, '--api-token', PLANTED.argToken, '--verbose'], {
    PATH: '/usr/bin:/bin',
    LEAKY_DB_PASSWORD: PLANTED.envValue,
    LANG: 'C',
  });
  wb = new Workbench({ databasePath: join(out, 'wb.db') });
  const report = await wb.importPaths({
    paths: [core],
    attributes: {
      hostname: PLANTED.host,
      version: '2.4.1',
      api_token: PLANTED.attrToken,
      db_url: `postgres://svc:${PLANTED.urlPassword}@db.internal:5432/app`,
      client_ip: PLANTED.ip,
      region: 'eu-west',
    },
  });
  expect(report.failed).toEqual([]);
  groupId = (await wb.listGroups()).groups[0]?.id ?? 0;
  crashId = (await wb.listGroupEvents(groupId))[0]?.id ?? '';
  await wb.setSourceMappings(exe, [{ from: `${PLANTED.home}/src`, to: src }]);
  await wb.setGroupNotes(groupId, {
    text: `Customer says it started after 2.4. Their password=${PLANTED.notePassword}; logs at https://ops:${PLANTED.noteUrlPassword}@logs.example/x`,
    ticket: 'https://tracker.example/BUG-42',
  });
}, 120_000);

describe('exports', () => {
  it.each(['md', 'html', 'json', 'pdf'] as const)(
    'a crash report in %s holds the summary, stack with source, threads, registers, modules, attributes and notes',
    async (format) => {
      const text = await exported({ target: { kind: 'crash', id: crashId }, format, redact: true });
      for (const expected of [
        'SIGSEGV',
        'SEGV_MAPERR',
        'NULL pointer',
        'send_report',
        'leaky.c',
        'req->retries + (int)strlen(req->url)',
        'rip',
        // Paths in a narrow column wrap at a slash: each file name stays whole, as do the headers.
        'libc.so.6',
        'ld-linux-x86-64.so.2',
        'symbols',
        'region',
        'eu-west',
        '2.4.1',
        'Customer says it started after 2.4',
        'https://tracker.example/BUG-42',
      ])
        expect(text, `${format} report should contain ${expected}`).toContain(expected);
      const crash = await wb.getCrash(crashId);
      const buildId = crash.modules.find((m) => m.buildId)?.buildId ?? 'no build-id';
      // PDF tables wrap long cells; the start of the build-id stays on one line.
      expect(text).toContain(buildId.slice(0, 12));
    },
  );

  it.each(['md', 'html', 'json', 'pdf'] as const)(
    'a group report in %s adds count, dates, versions, hosts and the trend',
    async (format) => {
      const text = await exported({ target: { kind: 'group', id: groupId }, format, redact: false });
      const group = (await wb.getGroupDetail(groupId)).group;
      for (const expected of [`Group #${groupId}`, group.firstSeen, '2.4.1', PLANTED.host, 'send_report'])
        expect(text, `${format} report should contain ${expected}`).toContain(expected);
      expect(text).toMatch(format === 'json' ? /"daily"/ : /Crashes per day/);
      expect(text).toMatch(format === 'json' ? /"count": 1/ : /Crashes\W+1\b/);
    },
  );

  it.each(['md', 'html', 'json', 'pdf'] as const)('redaction leaves none of the planted secrets in a %s report', async (format) => {
    for (const target of [{ kind: 'crash', id: crashId } as const, { kind: 'group', id: groupId } as const]) {
      const text = await exported({ target, format, redact: true, rules: STRICT });
      for (const [where, secret] of Object.entries(PLANTED))
        expect(text, `${where} leaked into the ${format} ${target.kind} report`).not.toContain(secret);
      expect(text).toContain('LEAKY_DB_PASSWORD');
    }
  });

  it('exports the planted secrets when told not to redact, so the redaction test can see them', async () => {
    const text = await exported({ target: { kind: 'crash', id: crashId }, format: 'md', redact: false });
    for (const secret of [
      PLANTED.envValue,
      PLANTED.argPassword,
      PLANTED.argToken,
      PLANTED.attrToken,
      PLANTED.sourceKey,
      PLANTED.home,
      PLANTED.notePassword,
    ])
      expect(text).toContain(secret);
  });

  it('previews what redaction removes, by rule and place, and the saved rules apply to exports', async () => {
    const preview = await wb.previewExport({ target: { kind: 'crash', id: crashId }, format: 'md', redact: true, rules: STRICT });
    const removed = (rule: string) => preview.removed.filter((r) => r.rule === rule).map((r) => r.text);
    expect(removed('environment')).toContain(PLANTED.envValue);
    expect(removed('secret')).toEqual(
      expect.arrayContaining([PLANTED.argPassword, PLANTED.argToken, PLANTED.attrToken, PLANTED.sourceKey]),
    );
    expect(removed('home-path')).toContain(PLANTED.home);
    expect(removed('hostname')).toContain(PLANTED.host);
    expect(removed('ip-address')).toContain(PLANTED.ip);
    expect(preview.markdown).not.toContain(PLANTED.argToken);

    await wb.saveRedactionRules({ ...STRICT, keys: ['region'], patterns: ['eu-\\w+'] });
    const text = await exported({ target: { kind: 'crash', id: crashId }, format: 'md', redact: true });
    expect(text).not.toContain('eu-west');
    await expect(wb.saveRedactionRules({ ...STRICT, patterns: ['(unclosed'] })).rejects.toThrow(/not a valid regular expression/);
    await wb.saveRedactionRules(STRICT);
  });

  it('reads the environment and the whole command line from the core', async () => {
    const crash = await wb.getCrash(crashId);
    expect(crash.environment).toEqual(expect.arrayContaining([`LEAKY_DB_PASSWORD=${PLANTED.envValue}`, 'LANG=C']));
    expect(crash.commandLine).toMatch(new RegExp(`leaky --password=${PLANTED.argPassword} --api-token ${PLANTED.argToken} --verbose$`));
  });
});
