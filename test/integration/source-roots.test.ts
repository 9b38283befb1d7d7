import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workbench } from '../../src/core/workbench';
import { hostSnapshot, snapshotFrame } from '../fixtures/snapshots';
import type { SourceResult } from '../../src/shared/model';

/**
 * A crash names its source files, and the workbench used to read whatever it named: a hostile
 * crash put the analyst's own secrets into the source view and into redacted exports.
 */
const root = mkdtempSync(join(tmpdir(), 'crashwb-source-roots-'));
const home = join(root, 'home', 'analyst');
const checkout = join(root, 'checkout');
const PLANTED = {
  sshKey: 'PlantedSshKeyBodyQ1w2e3',
  aws: 'PlantedAwsSecretZ9x8c7',
  netrc: 'PlantedNetrcPassword55',
};
const savedHome = process.env.HOME;
let wb: Workbench;

const text = (r: SourceResult): string => (r.found ? r.text : '');

beforeAll(() => {
  process.env.HOME = home;
  mkdirSync(join(home, '.ssh'), { recursive: true });
  mkdirSync(join(home, '.aws'));
  mkdirSync(join(home, 'project'));
  writeFileSync(
    join(home, '.ssh', 'id_ed25519'),
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${PLANTED.sshKey}\n-----END OPENSSH PRIVATE KEY-----\n`,
  );
  writeFileSync(join(home, '.aws', 'credentials'), `[default]\naws_secret_access_key = ${PLANTED.aws}\n`);
  writeFileSync(join(home, '.netrc'), `machine example.com login me password ${PLANTED.netrc}\n`);
  writeFileSync(join(home, 'project', 'main.c'), 'int main(void) { return 0; }\n');
  mkdirSync(join(checkout, 'src'), { recursive: true });
  writeFileSync(join(checkout, 'src', 'app.c'), 'void app(void) {}\n');
  // Links inside a trusted checkout that lead out of it.
  symlinkSync(join(home, '.netrc'), join(checkout, 'src', 'netrc.c'));
  symlinkSync('/etc/passwd', join(checkout, 'src', 'passwd.c'));
  wb = new Workbench({ databasePath: join(root, 'wb.db') });
});

afterAll(() => {
  wb.close();
  process.env.HOME = savedHome;
});

describe('source files are read only from folders the user trusts', () => {
  it('never reads a path a crash names before its folder is trusted, and offers the folder instead', async () => {
    const file = join(home, 'project', 'main.c');
    const result = await wb.readSource(file);
    expect(result).toMatchObject({ found: false, buildFolder: join(home, 'project') });
    expect(JSON.stringify(result)).not.toContain('int main');
    await wb.addSourceFolder(join(home, 'project'));
    expect(await wb.readSource(file)).toMatchObject({ found: true, path: file });
  });

  it.each([
    ['/etc/passwd', 'root:'],
    ['/etc/shadow', ''],
    ['/proc/self/environ', ''],
    ['/proc/self/cmdline', ''],
  ])('refuses %s, and never offers its folder', async (file, content) => {
    const result = await wb.readSource(file);
    expect(result.found).toBe(false);
    expect(result).not.toHaveProperty('buildFolder');
    if (content) expect(JSON.stringify(result)).not.toContain(content);
  });

  it('refuses a home folder’s hidden files even when the whole home is a source folder', async () => {
    await wb.addSourceFolder(home);
    for (const [file, secret] of [
      [join(home, '.ssh', 'id_ed25519'), PLANTED.sshKey],
      [join(home, '.aws', 'credentials'), PLANTED.aws],
      [join(home, '.netrc'), PLANTED.netrc],
      ['~/.netrc', PLANTED.netrc],
      ['.ssh/id_ed25519', PLANTED.sshKey],
    ] as const) {
      const result = await wb.readSource(file);
      expect(result.found, file).toBe(false);
      expect(text(result)).not.toContain(secret);
      expect(result).not.toHaveProperty('buildFolder');
    }
  });

  it('does not climb out of a source folder with .. or through a link', async () => {
    await wb.addSourceFolder(checkout);
    expect(await wb.readSource('/build/src/app.c')).toMatchObject({ found: true, path: join(checkout, 'src', 'app.c') });
    for (const file of ['/build/src/netrc.c', '/build/src/passwd.c', '/build/../../../../../etc/passwd', '../../home/analyst/.netrc']) {
      const result = await wb.readSource(file);
      expect(result.found, file).toBe(false);
      expect(JSON.stringify(result)).not.toContain(PLANTED.netrc);
      expect(JSON.stringify(result)).not.toContain('root:x:0');
    }
  });

  it('refuses to trust /etc, /proc or a home folder’s hidden folder as a source folder or a mapping', async () => {
    await expect(wb.addSourceFolder('/etc')).rejects.toThrow(/never read as source/);
    await expect(wb.addSourceFolder('/proc/self')).rejects.toThrow(/never read as source/);
    await expect(wb.addSourceFolder(join(home, '.ssh'))).rejects.toThrow(/hidden folder/);
    await expect(wb.setSourceMappings('/usr/bin/app', [{ from: '/build', to: '/etc' }])).rejects.toThrow(/never read as source/);
  });

  it('leaves out of a redacted or plain export every planted file a snapshot’s frames name', async () => {
    const frames = [
      '/etc/passwd',
      join(home, '.ssh', 'id_ed25519'),
      join(home, '.aws', 'credentials'),
      join(home, '.netrc'),
      '/proc/self/environ',
    ];
    const snapshot = join(root, 'hostile.snapshot.json');
    // Spaced out, as JSON.stringify(…, null, 2) writes it: the reporter takes it, so the import must too.
    writeFileSync(
      snapshot,
      JSON.stringify(
        hostSnapshot({
          coreSha256: 'a'.repeat(64),
          executable: '/usr/bin/victim',
          frames: frames.map((file, index) => snapshotFrame(index, `f${index}`, { file, line: 1, module: null })),
        }),
        null,
        2,
      ),
    );
    const report = await wb.importPaths({ paths: [snapshot] });
    expect(report.failed).toEqual([]);
    const crash = (await wb.listRecent())[0] ?? (await wb.listGroupEvents((await wb.listGroups()).groups[0]?.id ?? 0))[0];
    const id = crash?.id ?? '';
    for (const redact of [true, false]) {
      const exported = Buffer.from(
        (await wb.exportReport({ target: { kind: 'crash', id }, format: 'md', redact })).base64,
        'base64',
      ).toString();
      expect(exported).toContain('f1');
      for (const secret of [...Object.values(PLANTED), 'root:x:0', 'PATH=']) expect(exported, `redact ${redact}`).not.toContain(secret);
    }
  });
});
