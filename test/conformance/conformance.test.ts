import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame, Module } from '../../src/shared/model';
import { crashwbAsync } from '../fixtures/cli';
import { parseStackwalk, type ReferenceFrame, type ReferenceStack } from './reference';
import { coreFrameDifference, crashingThreadOf, symbolAddresses } from './eu-stack';

/**
 * Real crash files from other projects, read by crashwb and by the reference tool their
 * producers use (Breakpad's minidump_stackwalk, built for this Debian and kept in the corpus),
 * compared frame by frame on the crashing thread: module, function, file:line and how the frame
 * was found. The score is printed; the suite fails when it falls below what it reached before.
 */
const CORPUS = resolve(process.env.CRASHWB_CORPUS ?? join(process.cwd(), '..', 'shared', 'corpus'));
const STACKWALK = join(CORPUS, 'reference-tools', 'breakpad', 'minidump_stackwalk');
const present = existsSync(STACKWALK);
/** elfutils' own reader of its cores, from Debian's elfutils package. */
const EU_STACK = '/usr/bin/eu-stack';

/** What the suite has reached: it may only go up. The goal is 98% matched, at most 2% extra. */
const FLOOR = { matched: 1, extra: 0, wrongLines: 0 };

/** What `crashwb analyze --json` prints of a frame and a module, as the model defines them. */
type OurFrame = Pick<Frame, 'address' | 'function' | 'file' | 'line' | 'module' | 'inline' | 'trust' | 'moduleOffset'>;
type OurModule = Pick<Module, 'path' | 'debugId' | 'version' | 'codeId'>;
interface OurCrash {
  signal: { name: string };
  pid: number;
  modules: OurModule[];
  system?: { os: string; osVersion: string };
  threads: { crashed: boolean; frames: OurFrame[] }[];
}

/** `json`: rust-minidump's JSON of the same dump, for what Breakpad's human output leaves out (the pid). */
const CASES: Array<{ dump: string; symbols: string; json?: string }> = [
  { dump: 'rust-minidump/dumps/test.dmp', symbols: 'rust-minidump/symbols', json: 'test_minidump_stackwalk__json-pretty.snap' },
  { dump: 'rust-minidump/dumps/linux-mini.dmp', symbols: 'rust-minidump/symbols', json: 'test_minidump_stackwalk__linux_json_pretty.snap' },
  { dump: 'rust-minidump/dumps/simple-crashpad.dmp', symbols: 'rust-minidump/symbols' },
  {
    dump: 'rust-minidump/dumps/pipeline-inlines-macos-segv.dmp',
    symbols: 'rust-minidump/symbols',
    json: 'test_minidump_stackwalk__macos_inlines_json_pretty.snap',
  },
  { dump: 'breakpad/dumps/tiny-exe-fastfail.dmp', symbols: 'breakpad/symbols' },
];

/** elfutils' test cores of one program on three architectures, read with each debugger. */
const CORES = ['x86_64', 'aarch64', 'i386'].flatMap((arch) => (['gdb', 'lldb'] as const).map((debuggerKind) => ({ arch, debuggerKind })));

const base = (path: string | null): string | null => (path === null ? null : (path.split(/[\\/]/).pop() ?? path).toLowerCase());

/** Why our frame is not the reference's, or null when it is. */
export function difference(ref: ReferenceFrame, ours: OurFrame | undefined): string | null {
  if (!ours) return 'missing';
  if (ref.module !== null && base(ours.module) !== ref.module.toLowerCase()) return `module ${ours.module} ≠ ${ref.module}`;
  if (ref.function !== null && ours.function !== ref.function) return `function ${ours.function} ≠ ${ref.function}`;
  if (ref.function === null && ref.offset !== null && (ours.function !== null || ours.moduleOffset !== ref.offset))
    return `${ours.function ?? ours.moduleOffset} ≠ + ${ref.offset}`;
  if (ref.file !== null && (base(ours.file) !== base(ref.file) || ours.line !== ref.line))
    return `place ${base(ours.file)}:${ours.line} ≠ ${ref.file}:${ref.line}`;
  const trust = ours.inline ? 'inline' : ours.trust;
  if (ref.trust !== trust) return `found by ${trust} ≠ ${ref.trust}`;
  return null;
}

/** Modules whose debug id, code id or version differ from rust-minidump's JSON of the same dump. */
function moduleDifferences(snap: string, ours: OurModule[]): string[] {
  const listed = (JSON.parse(snap.slice(snap.indexOf('{'))) as { modules: Array<Record<string, string | null>> }).modules;
  const wrong: string[] = [];
  for (const ref of listed) {
    const mine = ours.find((m) => base(m.path) === (ref.filename ?? '').toLowerCase());
    if (!mine) wrong.push(`module ${ref.filename} missing`);
    else
      for (const [field, value] of [
        ['debug id', mine.debugId],
        ['code id', mine.codeId],
        ['version', mine.version],
      ] as const) {
        const expected = ref[field === 'debug id' ? 'debug_id' : field === 'code id' ? 'code_id' : 'version'] ?? null;
        if (expected !== null && (value ?? '').toLowerCase() !== expected.toLowerCase())
          wrong.push(`${ref.filename} ${field} ${value} ≠ ${expected}`);
      }
  }
  return wrong;
}

const results: Array<{
  dump: string;
  reference: number;
  matched: number;
  shown: number;
  extra: number;
  notes: string[];
  wrongLines: number;
}> = [];

describe.skipIf(!present)(
  `the public corpus read as its reference tool reads it${present ? '' : ` (skipped: no corpus at ${CORPUS})`}`,
  () => {
    const cache = mkdtempSync(join(tmpdir(), 'crashwb-conformance-cache-'));

    it.each(CASES)(
      '$dump',
      async ({ dump, symbols, json }) => {
        const path = join(CORPUS, dump);
        const reference: ReferenceStack = parseStackwalk(
          execFileSync(STACKWALK, [path, join(CORPUS, symbols)], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'ignore'],
            maxBuffer: 64 << 20,
          }),
        );
        const run = await crashwbAsync(['analyze', path, '--json', '--debug-dir', join(CORPUS, symbols)], { CRASHWB_SYMBOL_CACHE: cache });
        expect(run.stdout, run.stderr).toMatch(/^\{/);
        const ours = JSON.parse(run.stdout) as OurCrash;
        const crashed = ours.threads.find((t) => t.crashed)?.frames ?? [];
        const notes: string[] = [];
        const lines: string[] = [];
        let matched = 0;
        reference.frames.forEach((ref, i) => {
          const why = difference(ref, crashed[i]);
          if (why === null) matched++;
          else if (notes.length < 4) notes.push(`#${i} ${why}`);
        });
        // A reason the reference gives only as numbers (Breakpad's for a Crashpad EXC_CRASH) is one it does not know.
        const reason = reference.reason.split(' ')[0] ?? '';
        if (!reason.startsWith('0x') && ours.signal.name !== reason) lines.push(`reason ${ours.signal.name} ≠ ${reference.reason}`);
        if (ours.system?.os !== reference.os) lines.push(`OS ${ours.system?.os} ≠ ${reference.os}`);
        if (json) {
          const snap = readFileSync(join(CORPUS, 'rust-minidump', 'expected', json), 'utf8');
          const pid = Number(/"pid": (\d+)/.exec(snap)?.[1]);
          if (ours.pid !== pid) lines.push(`pid ${ours.pid} ≠ ${pid}`);
          for (const wrong of moduleDifferences(snap, ours.modules)) lines.push(wrong);
          const version = /"os_ver": "([^"]*)"/.exec(snap)?.[1];
          if (version && ours.system?.os === 'Linux' && ours.system.osVersion !== version)
            lines.push(`OS version ${ours.system.osVersion} ≠ ${version}`);
        }
        notes.push(...lines);
        results.push({
          dump,
          reference: reference.frames.length,
          matched,
          shown: crashed.length,
          extra: Math.max(0, crashed.length - reference.frames.length),
          notes,
          wrongLines: lines.length,
        });
        expect(reference.frames.length, `${dump}: the reference printed no crashing thread`).toBeGreaterThan(0);
      },
      120_000,
    );

    describe.skipIf(!existsSync(EU_STACK))(
      `ELF cores of other architectures${existsSync(EU_STACK) ? '' : ' (skipped: no eu-stack; apt-get install elfutils)'}`,
      () => {
        const unpacked = mkdtempSync(join(tmpdir(), 'crashwb-conformance-cores-'));
        const unpack = (name: string): string => {
          const out = join(unpacked, name);
          if (!existsSync(out))
            writeFileSync(out, execFileSync('bzip2', ['-dc', join(CORPUS, 'elfutils', `${name}.bz2`)], { maxBuffer: 64 << 20 }));
          return out;
        };

        it.each(CORES)(
          'elfutils backtrace core of $arch with $debuggerKind',
          async ({ arch, debuggerKind }) => {
            const core = unpack(`backtrace.${arch}.core`);
            const exe = unpack(`backtrace.${arch}.exec`);
            // eu-stack exits 1 when a thread's unwinding ends without CFI past _start, as it does on two of these.
            const reference = crashingThreadOf(spawnSync(EU_STACK, ['-e', exe, `--core=${core}`], { encoding: 'utf8' }).stdout);
            const run = await crashwbAsync(['analyze', core, '--exe', exe, '--debugger', debuggerKind, '--json']);
            expect(run.stdout, run.stderr).toMatch(/^\{/);
            const ours = JSON.parse(run.stdout) as OurCrash & { debugger: string; analysisError: string | null };
            const crashed = ours.threads.find((t) => t.crashed)?.frames ?? [];
            const symbols = symbolAddresses(exe);
            const notes: string[] = [];
            let matched = 0;
            reference.forEach((ref, i) => {
              const why = coreFrameDifference(ref, crashed[i], symbols);
              if (why === null) matched++;
              else if (notes.length < 4) notes.push(`#${i} ${why}`);
            });
            const lines = [
              ...(ours.signal.name !== 'SIGABRT' ? [`reason ${ours.signal.name} ≠ SIGABRT`] : []),
              ...(ours.debugger !== debuggerKind ? [`read with ${ours.debugger}, not ${debuggerKind}`] : []),
              ...(ours.analysisError ? [`error: ${ours.analysisError}`] : []),
            ];
            notes.push(...lines);
            const dump = `elfutils/backtrace.${arch}.core (${debuggerKind})`;
            results.push({
              dump,
              reference: reference.length,
              matched,
              shown: crashed.length,
              extra: Math.max(0, crashed.length - reference.length),
              notes,
              wrongLines: lines.length,
            });
            // The frames the elfutils test names, in order: what every reader of this core must show.
            const named = crashed.map((f) => f.function);
            const at = named.indexOf('raise');
            expect(named.slice(at, at + 5), `${dump}: ${notes.join('; ')}`).toEqual([
              'raise',
              'sigusr2',
              'stdarg',
              'backtracegen',
              'start',
            ]);
          },
          120_000,
        );
      },
    );

    it('leaves out the thread of Breakpad’s handler that wrote the dump, as the reference does', async () => {
      const run = await crashwbAsync(['analyze', join(CORPUS, 'rust-minidump/dumps/test.dmp'), '--json'], { CRASHWB_SYMBOL_CACHE: cache });
      const ours = JSON.parse(run.stdout) as { threads: { id: number }[] };
      expect(ours.threads.map((t) => t.id)).toEqual([3060]);
    });

    it('reads Crashpad’s macOS abort as EXC_CRASH with SIGABRT, in the words its annotations give', async () => {
      const run = await crashwbAsync(['analyze', join(CORPUS, 'rust-minidump/dumps/simple-crashpad.dmp'), '--json'], {
        CRASHWB_SYMBOL_CACHE: cache,
      });
      const ours = JSON.parse(run.stdout) as { signal: { name: string; codeName: string; explanation: string } };
      expect(ours.signal).toMatchObject({ name: 'EXC_CRASH', codeName: 'SIGABRT' });
      // libsystem_c's message first; dyld adds its own ("dyld2 mode").
      expect(ours.signal.explanation).toMatch(/^EXC_CRASH \/ SIGABRT: .* — “abort\(\) called[;”]/);
      const text = await crashwbAsync(['analyze', join(CORPUS, 'rust-minidump/dumps/simple-crashpad.dmp')], {
        CRASHWB_SYMBOL_CACHE: cache,
      });
      expect(text.stdout.split('\n')[0]).toContain('“abort() called');
    });

    it('shows what a Linux dump copied of /proc and /etc: status, maps, auxv, CPU info and the distribution', async () => {
      const path = join(CORPUS, 'rust-minidump/dumps/linux-mini.dmp');
      const run = await crashwbAsync(['analyze', path, '--json'], { CRASHWB_SYMBOL_CACHE: cache });
      const ours = JSON.parse(run.stdout) as { system: { distribution?: string }; attachments?: { name: string; text: string }[] };
      expect(ours.system.distribution).toBe('Ubuntu 16.04.3 LTS');
      const file = (name: string) => ours.attachments?.find((a) => a.name === name)?.text ?? '';
      // The same lines Breakpad's minidump_dump prints of these streams.
      // minidump_dump exits 1 on the Crashpad stream it does not know, after printing the rest.
      const dumped = spawnSync(join(CORPUS, 'reference-tools', 'breakpad', 'minidump_dump'), [path], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }).stdout;
      expect(file('proc-status')).toMatch(/^Name:\tcrash\n/);
      expect(dumped).toContain(file('proc-status').split('\n')[5]);
      expect(file('lsb-release')).toContain('DISTRIB_CODENAME=xenial');
      const maps = file('maps').split('\n');
      expect(maps.length).toBeGreaterThan(5);
      for (const line of maps.slice(0, 5)) expect(dumped).toContain(line);
      expect(file('auxv')).toMatch(/^AT_SYSINFO_EHDR 0x[0-9a-f]+$/m);
      expect(file('cpuinfo')).toMatch(/^processor\s*: 0$/m);
      const text = await crashwbAsync(['analyze', path], { CRASHWB_SYMBOL_CACHE: cache });
      expect(text.stdout).toMatch(/^ {2}system Linux 4\.9\.60-linuxkit-aufs .* · amd64 · Ubuntu 16\.04\.3 LTS$/m);
    });

    it('refuses the dump whose memory ranges are invalid, naming it', async () => {
      const path = join(CORPUS, 'rust-minidump/dumps/invalid-range.dmp');
      const run = await crashwbAsync(['analyze', path], { CRASHWB_SYMBOL_CACHE: cache });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`crashwb: ${path}: `);
    });

    afterAll(() => {
      const total = results.reduce((n, r) => n + r.reference, 0);
      const matched = results.reduce((n, r) => n + r.matched, 0);
      const shown = results.reduce((n, r) => n + r.shown, 0);
      const extra = results.reduce((n, r) => n + r.extra, 0);
      const lines = results.map(
        (r) =>
          `  ${r.dump}: ${r.matched}/${r.reference} frames, ${r.extra} extra of ${r.shown}${r.notes.length ? `; ${r.notes.join('; ')}` : ''}`,
      );
      console.log(
        `conformance: ${matched} of ${total} reference frames matched (${((100 * matched) / Math.max(1, total)).toFixed(1)}%), ${extra} extra of ${shown} shown\n${lines.join('\n')}`,
      );
      if (results.length === CASES.length + (existsSync(EU_STACK) ? CORES.length : 0)) {
        expect(matched / Math.max(1, total), 'frames matched fell below what the suite reached before').toBeGreaterThanOrEqual(
          FLOOR.matched,
        );
        expect(extra / Math.max(1, shown), 'extra frames rose above what the suite reached before').toBeLessThanOrEqual(FLOOR.extra);
        expect(
          results.reduce((n, r) => n + r.wrongLines, 0),
          'reason and OS lines that differ from the reference',
        ).toBeLessThanOrEqual(FLOOR.wrongLines);
      }
    });
  },
);
