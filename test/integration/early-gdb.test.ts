import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { analysesWithGdb, earlyGdbShell } from '../../src/cli/early-gdb';
import { gdbMiArguments } from '../../src/core/debugger/gdb/safe-init';
import { windowsAmd64 } from '../fixtures/stackwalk-scenarios';

const fixtures = inject('fixtures');
const BIN = join(process.cwd(), 'bin', 'crashwb.cjs');
const SHELL_BIN = join(process.cwd(), 'bin', 'crashwb');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  steps: string[];
}

/** Runs the CLI (the Node launcher, or `bin/crashwb` as users do) with the timeline on: exit status, output and the steps it marked. */
function analyze(args: string[], env: NodeJS.ProcessEnv = {}, launcher: 'node' | 'shell' = 'node'): Run {
  const [command, first] = launcher === 'node' ? [process.execPath, [BIN]] : [SHELL_BIN, []];
  const result = spawnSync(command, [...first, 'analyze', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CRASHWB_TIMELINE: '1', XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'crashwb-early-')), ...env },
  });
  const line = result.stderr.split('\n').find((l) => l.startsWith('CRASHWB_TIMELINE '));
  const steps = line ? (JSON.parse(line.slice('CRASHWB_TIMELINE '.length)) as Array<[string, number]>).map(([step]) => step) : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, steps };
}

describe('gdb started by the launcher before the CLI loads', () => {
  it('is started for analyze with gdb only', () => {
    expect(analysesWithGdb(['analyze', 'core'])).toBe(true);
    expect(analysesWithGdb(['analyze', '--debugger', 'gdb', 'core'])).toBe(true);
    expect(analysesWithGdb(['analyze', '--debugger=lldb', 'core'])).toBe(false);
    expect(analysesWithGdb(['analyze', '--debugger', 'lldb', 'core'])).toBe(false);
    expect(analysesWithGdb(['analyze', '--help'])).toBe(false);
    expect(analysesWithGdb(['import', 'folder'])).toBe(false);
  });

  it('is the gdb that analyses the core, and finds what it always found', () => {
    const run = analyze(['--json', fixtures.workerThread.core]);
    expect(run.status).toBe(0);
    expect(run.steps).toContain('gdb adopted');
    expect(run.steps).not.toContain('gdb spawned');
    const crash = JSON.parse(run.stdout) as { threads: Array<{ frames: Array<{ function: string | null }>; locals?: unknown }> };
    expect(crash.threads[0]?.frames.map((f) => f.function)).toContain('crashing_worker');
  });

  it('is not started for a minidump, which the walker and lldb read, by either launcher', () => {
    const { dump } = windowsAmd64(mkdtempSync(join(tmpdir(), 'crashwb-early-dump-')));
    expect(analysesWithGdb(['analyze', dump])).toBe(false);
    for (const launcher of ['node', 'shell'] as const) {
      const run = analyze(['--json', dump], {}, launcher);
      expect(run.status, run.stderr).not.toBe(1);
      expect(run.steps).not.toContain('gdb adopted');
      expect(run.steps).not.toContain('gdb spawned');
    }
  });

  it('is not started for lldb', () => {
    const run = analyze(['--debugger', 'lldb', '--json', fixtures.nullDeref.core]);
    expect(run.status).toBe(0);
    expect(run.steps).not.toContain('gdb adopted');
    expect(run.steps).not.toContain('gdb spawned');
  });

  it('when gdb is not installed, leaves the engine to say so', () => {
    const run = analyze([fixtures.nullDeref.core], { PATH: '/nonexistent' });
    expect(run.status).toBe(3);
    expect(run.stdout + run.stderr).toMatch(/gdb.*ENOENT|is it installed/);
  });
});

describe('gdb started by bin/crashwb before Node', () => {
  it("starts gdb with the engine's command line and environment, word for word", () => {
    // An `env` that prints what it was given, one word a line, in place of the real one.
    const bin = mkdtempSync(join(tmpdir(), 'crashwb-env-'));
    writeFileSync(join(bin, 'env'), '#!/bin/sh\nfor w; do printf "%s\\n" "$w"; done\n', { mode: 0o755 });
    writeFileSync(join(bin, 'fragment.sh'), earlyGdbShell());
    const run = spawnSync('/bin/sh', ['-c', `. ${bin}/fragment.sh; crashwb_early_gdb`], {
      encoding: 'utf8',
      env: { PATH: bin, HOME: "/home/o'neil", DEBUGINFOD_URLS: 'http://a http://b' },
    });
    expect(run.stdout.split('\n').slice(0, -1)).toEqual([
      '-i',
      'LANG=C.UTF-8',
      'LC_ALL=C.UTF-8',
      'TERM=dumb',
      `PATH=${bin}`,
      "HOME=/home/o'neil",
      'DEBUGINFOD_URLS=http://a http://b',
      'gdb',
      ...gdbMiArguments(),
    ]);
  });

  const withoutTime = (json: string) => ({ ...(JSON.parse(json) as Record<string, unknown>), analyzedAt: null });

  it('is handed to the analysis as pipes, which find what the Node launcher finds, and leave no folder behind', () => {
    const temp = mkdtempSync(join(tmpdir(), 'crashwb-launcher-'));
    const shell = analyze(['--json', fixtures.workerThread.core], { TMPDIR: temp }, 'shell');
    expect(shell.status, shell.stderr).toBe(0);
    expect(shell.steps).toContain('gdb adopted');
    expect(shell.steps).not.toContain('gdb spawned');
    expect(readdirSync(temp)).toEqual([]);
    const node = analyze(['--json', fixtures.workerThread.core]);
    expect(withoutTime(shell.stdout)).toEqual(withoutTime(node.stdout));
  });

  it('leaves gdb to Node where no named pipes can be made, and to the engine where there is no gdb', () => {
    /** A PATH with node and these tools only. */
    const pathWith = (tools: string[]): string => {
      const bin = mkdtempSync(join(tmpdir(), 'crashwb-path-'));
      for (const tool of ['node', ...tools]) {
        const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
        if (found) writeFileSync(join(bin, tool), `#!/bin/sh\nexec ${found} "$@"\n`, { mode: 0o755 });
      }
      return bin;
    };
    const shellTools = ['sh', 'readlink', 'mktemp', 'rm', 'env', 'setsid'];
    const noPipes = analyze(['--json', fixtures.nullDeref.core], { PATH: pathWith([...shellTools, 'gdb']) }, 'shell');
    expect(noPipes.status, noPipes.stderr).toBe(0);
    expect(noPipes.steps).toContain('gdb adopted');
    const noGdb = analyze([fixtures.nullDeref.core], { PATH: pathWith([...shellTools, 'mkfifo']) }, 'shell');
    expect(noGdb.status).toBe(3);
    expect(noGdb.stdout + noGdb.stderr).toMatch(/gdb.*ENOENT|is it installed/);
  });

  it('says to set TMPDIR when the temporary folder cannot be written and the debugger needs a folder of links there', () => {
    // A solib folder given means a root of links for the debugger; without one, nothing is written there.
    const needsLinks = analyze(['--solib-dir', tmpdir(), fixtures.nullDeref.core], { TMPDIR: '/nonexistent/tmp' }, 'shell');
    expect(needsLinks.status).toBe(1);
    expect(needsLinks.stderr).toMatch(
      /cannot make the folder of library links for the debugger in \/nonexistent\/tmp.*set TMPDIR to a writable folder/,
    );
    const atRecordedPaths = analyze([fixtures.nullDeref.core], { TMPDIR: '/nonexistent/tmp' }, 'shell');
    expect(atRecordedPaths.status, atRecordedPaths.stderr).toBe(0);
  });

  it('is not taken from a variable set by hand: the error says to unset it', () => {
    const run = analyze([fixtures.nullDeref.core], { CRASHWB_EARLY_GDB: '1' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/CRASHWB_EARLY_GDB is set but descriptor 3 is not a pipe from bin\/crashwb.*unset it/);
    expect(analyze([fixtures.nullDeref.core], { CRASHWB_EARLY_GDB: '1:/home' }).stderr).toMatch(/must be gdb's pid/);
  });

  /** Processes that still carry TMPDIR=temp: the launcher's shells and the gdb they started, which ends once its input does. */
  const holding = (temp: string): number[] =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`TMPDIR=${temp}`);
        } catch {
          return false;
        }
      })
      .map(Number);
  const isNode = (pid: number | undefined): boolean => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0] === 'node';
    } catch {
      return false;
    }
  };
  /** Starts `bin/crashwb analyze` with TMPDIR=temp, waits for `ready`, then kills it with SIGKILL. */
  const killed = async (temp: string, ready: (pid: number | undefined) => Promise<void>): Promise<void> => {
    const cli = spawn(SHELL_BIN, ['analyze', fixtures.workerThread.core], { env: { ...process.env, TMPDIR: temp }, stdio: 'ignore' });
    const exited = new Promise((resolve) => cli.once('exit', resolve));
    await ready(cli.pid);
    cli.kill('SIGKILL');
    await exited;
  };
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  it('leaves no process waiting for its pipes, however early it is killed, and the next command removes a folder left', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'crashwb-killed-'));
    // Every quarter of a millisecond of the launcher's life as a shell making and opening the pipes, until it has become Node.
    let becameNode = false;
    for (let ms = 0; ms < 100 && !becameNode; ms += 0.25) {
      await killed(temp, async (pid) => {
        const start = performance.now();
        while (performance.now() - start < ms) await new Promise((resolve) => setImmediate(resolve));
        becameNode = isNode(pid);
      });
    }
    expect(becameNode).toBe(true);
    await expect.poll(() => holding(temp), { timeout: 5_000 }).toEqual([]);
    // A kill between making the folder and handing it over leaves it: a minute on, the next command removes it.
    mkdtempSync(join(temp, 'crashwb-gdb.'));
    const live = mkdtempSync(join(temp, 'crashwb-gdb.'));
    const minutesAgo = new Date(Date.now() - 120_000);
    for (const folder of readdirSync(temp)) if (join(temp, folder) !== live) utimesSync(join(temp, folder), minutesAgo, minutesAgo);
    expect(readdirSync(temp).length).toBeGreaterThanOrEqual(2);
    const next = analyze(['--json', fixtures.nullDeref.core], { TMPDIR: temp }, 'shell');
    expect(next.status, next.stderr).toBe(0);
    expect(readdirSync(temp).map((name) => join(temp, name))).toEqual([live]);
  });

  it('leaves no folder of pipes behind once Node has started, even when the command is killed then', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'crashwb-killed-'));
    for (let i = 0; i < 4; i++) {
      await killed(temp, async (pid) => {
        await expect.poll(() => isNode(pid), { timeout: 10_000, interval: 1 }).toBe(true);
        await sleep(40 * i);
      });
    }
    await expect.poll(() => readdirSync(temp), { timeout: 5_000 }).toEqual([]);
    await expect.poll(() => holding(temp), { timeout: 5_000 }).toEqual([]);
  });
});
