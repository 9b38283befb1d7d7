import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';
import { findCores } from '../../src/core/jobs/find-cores';
import { watchFolders } from '../../src/core/jobs/watch';
import { readApportReport } from '../../src/core/sources/apport';
import { readScopeCrash } from '../../src/core/sources/appscope';
import { linePieces } from '../../src/core/sources/line-pieces';
import { scopeCrashDir } from '../fixtures/bundles';

const fixtures = inject('fixtures');
const root = mkdtempSync(join(tmpdir(), 'crashwb-bounded-'));
mkdirSync(join(root, 'store'));
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function pieces(chunks: string[], size: number) {
  const out = [];
  for await (const piece of linePieces(Readable.from(chunks.map((c) => Buffer.from(c))), size)) out.push(piece);
  return out;
}

describe('line pieces', () => {
  it('cuts long lines into pieces, keeps short ones whole, and takes \\r\\n across chunks', async () => {
    expect(await pieces(['ab', 'cdefg\r', '\nxy\n', 'z'], 4)).toEqual([
      { text: 'abcdefg', start: true, end: false },
      { text: '', start: false, end: true },
      { text: 'xy', start: true, end: true },
      { text: 'z', start: true, end: true },
    ]);
  });

  it('keeps a character whose bytes are split between chunks', async () => {
    const bytes = Buffer.from('é\n');
    const out = [];
    for await (const piece of linePieces(Readable.from([bytes.subarray(0, 1), bytes.subarray(1)]))) out.push(piece.text);
    expect(out).toEqual(['é']);
  });
});

describe('apport reports read in bounded memory', () => {
  it('reads a report with a 600 MB line, keeping the fields around it', async () => {
    const path = join(root, 'huge-line.crash');
    writeFileSync(path, 'ProblemType: Crash\nExecutablePath: /usr/bin/app\nStacktrace: ');
    // A sparse run of NUL bytes: one line far past the longest string V8 can hold.
    truncateSync(path, 600 * 1024 * 1024);
    appendFileSync(path, '\nPackage: app 1.2-3\n');
    const before = process.memoryUsage().rss;
    const report = await readApportReport(path, join(root, 'store'), 1 << 30);
    expect(report.fields.Package).toBe('app 1.2-3');
    expect(report.fields.ExecutablePath).toBe('/usr/bin/app');
    expect(report.fields.Stacktrace?.length).toBe(256 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  }, 60_000);

  /** Bytes that start as an ELF core does: a CoreDump field must hold a core. */
  const coreLike = (size: number): Buffer => {
    const bytes = randomBytes(size);
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(bytes, 0);
    bytes.writeUInt16LE(4, 16);
    return bytes;
  };

  it('decodes a CoreDump written as one base64 line of several megabytes', async () => {
    const payload = coreLike(3 * 1024 * 1024);
    const path = join(root, 'one-line-core.crash');
    writeFileSync(path, `ProblemType: Crash\nCoreDump: base64\n ${gzipSync(payload).toString('base64')}\nPackage: app 1\n`);
    const report = await readApportReport(path, join(root, 'store'), 1 << 30);
    expect(report.core?.sha256).toBe(sha(payload));
    expect(report.fields.Package).toBe('app 1');
  });

  it('fails, without hanging, when its core cannot be stored', async () => {
    const path = join(root, 'no-store.crash');
    writeFileSync(path, `ProblemType: Crash\nCoreDump: base64\n ${gzipSync(coreLike(8 * 1024 * 1024)).toString('base64')}\n`);
    await expect(readApportReport(path, join(root, 'no-such-store'), 1 << 30)).rejects.toThrow(/ENOENT/);
    const notCore = join(root, 'not-core.crash');
    writeFileSync(notCore, `ProblemType: Crash\nCoreDump: base64\n ${gzipSync(randomBytes(1024 * 1024)).toString('base64')}\n`);
    await expect(readApportReport(notCore, join(root, 'store'), 1 << 30)).rejects.toThrow(
      /CoreDump\) decompresses \(gzip\) to something that is not a core file/,
    );
  });
});

describe('symbolic links inside crash sources', () => {
  const secret = join(root, 'shadow');
  writeFileSync(secret, 'root:$6$secret-hash:19000:0:99999:7:::\n');

  it('reads no AppView part through a link, and says which were left', async () => {
    const dir = scopeCrashDir(join(root, 'scope'), 777, 1764000000, 'backtrace info: signal 11 errno 0 fault address 0x0\n');
    const info = join(dir, 'info_1764000001');
    symlinkSync(secret, info);
    const crash = await readScopeCrash(dir);
    expect(JSON.stringify(crash)).not.toContain('secret-hash');
    expect(crash.attachments.find((a) => a.name === 'skipped')?.text).toContain('info_1764000001');
  });

  it('reads the first megabyte of a huge info_ file, not all of it', async () => {
    const dir = scopeCrashDir(join(root, 'scope-big'), 778, 1764000000, 'backtrace info: signal 11 errno 0 fault address 0x0\n');
    truncateSync(join(dir, 'info_1764000000'), 512 * 1024 * 1024);
    const crash = await readScopeCrash(dir);
    expect(crash.attachments.find((a) => a.name === 'info')?.text.length).toBe(1024 * 1024);
  });

  it('follows a link that is named, not one met inside a folder', async () => {
    const dir = join(root, 'walk');
    mkdirSync(dir, { recursive: true });
    copyFileSync(fixtures.nullDeref.core, join(dir, 'core.real'));
    symlinkSync(fixtures.abort.core, join(dir, 'core.link'));
    symlinkSync(dir, join(dir, 'loop'));
    const found = await findCores([dir]);
    // Each with the shape read once, here: the import opens it by that shape without reading it again.
    expect(found.cores).toEqual([{ path: join(dir, 'core.real'), shape: { kind: 'core' } }]);
    expect(found.rejected.map((r) => r.path).sort()).toEqual([join(dir, 'core.link'), join(dir, 'loop')]);
    expect(found.rejected[0]?.error).toMatch(/symbolic link inside a folder: not followed/);
    expect((await findCores([join(dir, 'core.link')])).cores.map((c) => c.path)).toEqual([join(dir, 'core.link')]);
  });

  it('hands over no link from a watched folder, and says so once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-watch-link-'));
    symlinkSync(secret, join(dir, 'core.app.1'));
    copyFileSync(fixtures.nullDeref.core, join(dir, 'core.app.2'));
    const handed: string[] = [];
    const errors: string[] = [];
    const watcher = watchFolders([dir], {
      settleMs: 200,
      scanMs: 50,
      onReady: async (paths) => void handed.push(...paths),
      onError: (error) => errors.push(error.message),
    });
    try {
      await expect.poll(() => handed, { timeout: 5_000 }).toEqual([join(dir, 'core.app.2')]);
      expect(errors).toEqual([`${join(dir, 'core.app.1')} is a symbolic link: watched folders' links are not followed`]);
    } finally {
      watcher.stop();
    }
  });
});
