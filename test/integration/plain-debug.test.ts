import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  symlinkSync,
  utimesSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { inspectElfFile } from '../../src/core/elf/elf-file';
import { analyzeCore } from '../../src/core/intake/analyze';
import { buildIdPath } from '../../src/core/symbols/locate';
import { preparePlainCopies } from '../../src/core/symbols/plain-debug';
import { SymbolCache } from '../../src/core/symbols/symbol-cache';
import type { CrashAnalysis } from '../../src/shared/model';

const fixtures = inject('fixtures');
const stripped = fixtures.stripped;
const temp = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));
const comparable = (crash: CrashAnalysis): unknown => ({ ...crash, analyzedAt: undefined });

/** The stripped fixture's debug file as a distribution ships one: its DWARF compressed with zlib, in a debug folder of its own. */
function compressedDebugDir(): { dir: string; buildId: string; file: string } {
  const buildId = /Build ID: ([0-9a-f]+)/.exec(execFileSync('readelf', ['-n', stripped.executable], { encoding: 'utf8' }))?.[1];
  if (!buildId || !stripped.debugDir) throw new Error('the stripped fixture has no build-id or debug folder');
  const dir = temp('crashwb-zdebug-');
  const file = buildIdPath(dir, buildId, true);
  mkdirSync(join(file, '..'), { recursive: true });
  execFileSync('objcopy', ['--compress-debug-sections=zlib', buildIdPath(stripped.debugDir, buildId, true), file]);
  return { dir, buildId, file };
}

/** The program's own frames of the crashed thread that have a line: what its debug info gives the stack. */
const lines = (crash: CrashAnalysis): string[] =>
  (crash.threads.find((t) => t.crashed)?.frames ?? [])
    .filter((f) => f.line !== null && f.file?.endsWith('null_deref.c'))
    .map((f) => `${f.function}:${f.line}`);

describe('inflated copies of compressed debug files', () => {
  it('are made beside the first analysis; the next ones find the same threads, frames and locals', async () => {
    const { dir, buildId, file } = compressedDebugDir();
    expect((await inspectElfFile(file)).inflatedDebugBytes).toBeGreaterThan(0);
    const cache = new SymbolCache(join(temp('crashwb-plain-'), 'symbols'));
    const options = { executable: stripped.executable, debugDirs: [dir], symbolCache: cache };
    const first = await analyzeCore(stripped.core, options);
    expect(lines(first).length).toBeGreaterThan(0);
    const copy = buildIdPath(cache.plainDebugDir, buildId, true);
    await expect.poll(() => existsSync(copy), { timeout: 20_000 }).toBe(true);
    const facts = await inspectElfFile(copy);
    expect(facts).toMatchObject({ buildId, hasDebugInfo: true, inflatedDebugBytes: 0 });
    const second = await analyzeCore(stripped.core, options);
    expect(comparable(second)).toEqual(comparable(first));
    expect((await cache.usage()).bytes).toBeGreaterThanOrEqual(readFileSync(copy).length);
  });

  it('are what the debugger reads once made: the stack keeps its lines with the compressed file gone', async () => {
    const { dir, buildId, file } = compressedDebugDir();
    const cache = new SymbolCache(join(temp('crashwb-plain-'), 'symbols'));
    const options = { executable: stripped.executable, debugDirs: [dir], symbolCache: cache };
    const withFile = await analyzeCore(stripped.core, options);
    await expect.poll(() => existsSync(buildIdPath(cache.plainDebugDir, buildId, true)), { timeout: 20_000 }).toBe(true);
    renameSync(file, `${file}.away`);
    expect(lines(await analyzeCore(stripped.core, options))).toEqual(lines(withFile));
    expect(lines(await analyzeCore(stripped.core, { ...options, debugger: 'lldb' })).length).toBeGreaterThan(0);
    // Without the copy either, there is nothing left to give lines.
    await cache.clear();
    expect(lines(await analyzeCore(stripped.core, options))).toEqual([]);
    expect(lines(await analyzeCore(stripped.core, { ...options, debugger: 'lldb' }))).toEqual([]);
  });

  it('say why one could not be made, are tried again a day later, and the analysis reads the compressed file meanwhile', async () => {
    const { file, buildId } = compressedDebugDir();
    const cache = new SymbolCache(join(temp('crashwb-plain-'), 'symbols'));
    const wanted = [{ buildId, path: file, inflatedBytes: (await inspectElfFile(file)).inflatedDebugBytes }];
    const copy = buildIdPath(cache.plainDebugDir, buildId, true);
    // A PATH with a shell and its file tools, but no binutils.
    const bin = temp('crashwb-no-objcopy-');
    for (const tool of ['sh', 'mv', 'rm'])
      symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      expect(await preparePlainCopies(wanted, cache)).toEqual(new Map([[buildId, 'copying']]));
    } finally {
      process.env.PATH = path;
    }
    await expect.poll(() => existsSync(`${copy}.failed`), { timeout: 20_000 }).toBe(true);
    expect(readFileSync(`${copy}.failed`, 'utf8')).toMatch(/objcopy.*not found/);
    // The copier gives its claim back last, after writing why it failed.
    await expect.poll(() => existsSync(`${copy}.claim`), { timeout: 20_000 }).toBe(false);
    expect(await preparePlainCopies(wanted, cache)).toEqual(new Map([[buildId, 'failed-recently']]));
    const dayAndAHalfAgo = new Date(Date.now() - 36 * 3600_000);
    utimesSync(`${copy}.failed`, dayAndAHalfAgo, dayAndAHalfAgo);
    expect(await preparePlainCopies(wanted, cache)).toEqual(new Map([[buildId, 'copying']]));
    await expect.poll(() => existsSync(copy), { timeout: 20_000 }).toBe(true);
    expect(await preparePlainCopies(wanted, cache)).toEqual(new Map([[buildId, 'ready']]));
  });

  it('are started once for a build-id however many analyses ask at the same time', async () => {
    const { file, buildId } = compressedDebugDir();
    const cache = new SymbolCache(join(temp('crashwb-plain-'), 'symbols'));
    const wanted = [{ buildId, path: file, inflatedBytes: 1 }];
    const fates = await Promise.all([
      preparePlainCopies(wanted, cache),
      preparePlainCopies(wanted, cache),
      preparePlainCopies(wanted, cache),
    ]);
    // One copies; the others find it claimed, or made already when that copier was quick.
    const said = fates.map((f) => f.get(buildId));
    expect(said.filter((fate) => fate === 'copying')).toHaveLength(1);
    expect(said.filter((fate) => fate !== 'copying').every((fate) => fate === 'claimed' || fate === 'ready')).toBe(true);
    await expect.poll(() => existsSync(buildIdPath(cache.plainDebugDir, buildId, true)), { timeout: 20_000 }).toBe(true);
  });

  it('are not made of a file that says it inflates beyond the limit, whatever it really holds', async () => {
    const { file, buildId } = compressedDebugDir();
    // A hostile file: the compression header of .debug_info claims a terabyte.
    const sections = execFileSync('readelf', ['-SW', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const offset = /\.debug_info\s+PROGBITS\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(sections)?.[1];
    if (!offset) throw new Error(`no .debug_info in ${file}`);
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(1n << 40n);
    const fd = openSync(file, 'r+');
    writeSync(fd, size, 0, 8, parseInt(offset, 16) + 8);
    closeSync(fd);
    const inflatedBytes = (await inspectElfFile(file)).inflatedDebugBytes;
    expect(inflatedBytes).toBeGreaterThanOrEqual(2 ** 40);
    const cache = new SymbolCache(join(temp('crashwb-plain-'), 'symbols'));
    expect(await preparePlainCopies([{ buildId, path: file, inflatedBytes }], cache)).toEqual(new Map([[buildId, 'too-large']]));
    // Nor one beyond a quarter of a small cache.
    const small = new SymbolCache(join(temp('crashwb-plain-'), 'symbols'), 1024);
    expect(await preparePlainCopies([{ buildId, path: file, inflatedBytes: 4096 }], small)).toEqual(new Map([[buildId, 'too-large']]));
    expect(existsSync(small.plainDebugDir)).toBe(false);
  });
});
