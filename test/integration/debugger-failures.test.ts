import { spawn } from 'node:child_process';
import { running, runningChildren, runningDescendants, whatIsRunning, type ChildProcessInfo } from '../fixtures/processes';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { GdbSession } from '../../src/core/debugger/gdb/session';

const fixtures = inject('fixtures');
const dir = mkdtempSync(join(tmpdir(), 'crashwb-fail-'));

function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

describe('a debugger that hangs or dies', () => {
  it('is killed when it never shows a prompt, with an error that says what to check', async () => {
    const silent = script('silent-gdb', 'exec sleep 600');
    const started = Date.now();
    await expect(GdbSession.start({ gdbPath: silent, startTimeoutMs: 500 })).rejects.toThrow(
      /gdb failed while starting: no prompt within 500 ms/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('says which debugger could not be started when it is not installed', async () => {
    await expect(GdbSession.start({ gdbPath: join(dir, 'no-such-gdb'), startTimeoutMs: 5_000 })).rejects.toThrow(
      /gdb exited \(code 127\).*no-such-gdb.*ENOENT/,
    );
  });

  it('is killed when a command gets no answer, and every waiting command fails', async () => {
    const stuck = script('stuck-gdb', 'echo "(gdb) "; exec sleep 600');
    const session = await GdbSession.start({ gdbPath: stuck, commandTimeoutMs: 300 });
    const pid = session.pid;
    const first = session.command('-thread-info');
    const second = session.command('-stack-list-frames');
    await expect(first).rejects.toThrow(/no answer within 300 ms; gdb was stopped/);
    await expect(second).rejects.toThrow(/no answer within 300 ms/);
    await expect(session.command('-thread-info')).rejects.toThrow(/no answer/);
    await expect.poll(() => processGone(pid), { timeout: 5_000 }).toBe(true);
  });

  it('reports a debugger that exits mid-session with its last words', async () => {
    const dying = script('dying-gdb', 'echo "(gdb) "; read line; echo "fatal: out of memory" >&2; exit 3');
    const session = await GdbSession.start({ gdbPath: dying });
    await expect(session.command('-thread-info')).rejects.toThrow(/gdb exited \(code 3\).*out of memory/);
    // Words that reach the pipe after the exit is known (here, a moment later) are still quoted.
    const late = script('late-gdb', 'echo "(gdb) "; read line; (sleep 0.2; echo "fatal: cannot read core" >&2) & exit 3');
    const lateSession = await GdbSession.start({ gdbPath: late });
    await expect(lateSession.command('-thread-info')).rejects.toThrow(/gdb exited \(code 3\).*cannot read core/);
  });

  it('keeps what the core says when the debugger fails: signal, threads and registers', async () => {
    const crash = await analyzeCore(fixtures.workerThread.core, { timeoutMs: 1 });
    expect(crash.analysisError).toMatch(/gdb failed/);
    expect(crash.signal.name).toBe('SIGSEGV');
    expect(crash.threads).toHaveLength(4);
    expect(crash.threads[0]?.crashed).toBe(true);
    expect(crash.threads[0]?.registers.rip).toMatch(/^0x/);
  });
});

describe('damaged cores', () => {
  it('analyses a core cut short after its notes, with a truncation warning', async () => {
    const copy = join(dir, 'truncated-core');
    copyFileSync(fixtures.nullDeref.core, copy);
    const fd = openSync(copy, 'r+');
    ftruncateSync(fd, Math.floor(statSync(copy).size * 0.6));
    closeSync(fd);
    const crash = await analyzeCore(copy);
    expect(crash.warnings.find((w) => w.kind === 'truncated-core')?.message).toMatch(/the core is truncated: \d+ of \d+ bytes/);
    expect(crash.signal.name).toBe('SIGSEGV');
  });

  it('refuses a core cut inside its headers with the file named', async () => {
    const copy = join(dir, 'stub-core');
    copyFileSync(fixtures.nullDeref.core, copy);
    const fd = openSync(copy, 'r+');
    ftruncateSync(fd, 200);
    closeSync(fd);
    await expect(analyzeCore(copy)).rejects.toThrow(new RegExp(`${copy}: truncated`));
  });

  it('refuses a file that does not exist', async () => {
    await expect(analyzeCore(join(dir, 'missing'))).rejects.toThrow(/core file .*missing does not exist/);
  });
});

/**
 * Starts `crashwb analyze --timeout 10` on a core, waits for its debugger to appear, lets it run
 * `delayMs` more, and kills the workbench. Returns the debugger process it left behind.
 */
async function killWorkbenchUnder(kind: 'gdb' | 'lldb', launcher: string, delayMs: number): Promise<ChildProcessInfo> {
  const args = ['analyze', '--timeout', '10', ...(kind === 'gdb' ? [] : ['--debugger', kind]), fixtures.workerThread.core];
  const bin = join(process.cwd(), 'bin', launcher);
  const cli = launcher === 'crashwb' ? spawn(bin, args, { stdio: 'ignore' }) : spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
  let found: ChildProcessInfo | undefined;
  for (let waited = 0; waited < 20_000 && found === undefined; waited += 20) {
    found = runningDescendants(cli.pid as number).find((c) => c.comm.startsWith(kind));
    if (found === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  cli.kill('SIGKILL');
  if (found === undefined) throw new Error(`${kind} was never seen running under crashwb analyze`);
  return found;
}

async function waitGone({ pid, started }: ChildProcessInfo, limitMs: number): Promise<void> {
  for (let waited = 0; waited < limitMs && running(pid, started); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('a debugger whose workbench is killed mid-analysis', () => {
  // gdb sees its input end. lldb ends by the analysis's time limit (10 s here) plus five seconds,
  // and is killed five seconds after that: within 30 s either way.
  it.each([
    ['gdb', 'crashwb.cjs'],
    ['lldb', 'crashwb.cjs'],
    ['gdb', 'crashwb'],
  ] as const)('%s started by bin/%s ends by itself instead of running on as an orphan', async (kind, launcher) => {
    const left = await killWorkbenchUnder(kind, launcher, 0);
    await waitGone(left, 30_000);
    expect(running(left.pid, left.started), `${kind} still runs 30 s after its workbench was killed: ${whatIsRunning(left.pid)}`).toBe(
      false,
    );
  });

  it('lldb whose workbench is killed while it loads the core ends in seconds, rather than spinning until its time limit', async () => {
    // lldb ignores SIGPIPE: with its output on a pipe whose reader died it spun at 100 % of a core.
    for (const delay of [0, 100, 200, 300]) {
      const left = await killWorkbenchUnder('lldb', 'crashwb.cjs', delay);
      await waitGone(left, 8_000);
      expect(
        running(left.pid, left.started),
        `lldb whose workbench was killed ${delay} ms into its run still runs 8 s later (its limit is 15 s): ${whatIsRunning(left.pid)}`,
      ).toBe(false);
    }
  });

  it('lldb that hangs ends within its time limit even when the process that started it is gone', async () => {
    // An "lldb" that never answers, first on the PATH of a process that starts it and dies at once.
    const bin = join(dir, 'hanging-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'lldb'), '#!/bin/sh\nexec sleep 600\n');
    chmodSync(join(bin, 'lldb'), 0o755);
    const runner = join(process.cwd(), 'test', 'fixtures', 'run-lldb-batch.ts');
    const parent = spawn(process.execPath, ['--import', 'tsx', runner, '1000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    let sleeper: number | undefined;
    for (let waited = 0; waited < 20_000 && sleeper === undefined; waited += 50) {
      const timeout = runningChildren(parent.pid as number).find((c) => c.comm === 'timeout');
      sleeper = timeout && runningChildren(timeout.pid).find((c) => c.comm === 'sleep')?.pid;
      if (sleeper === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    parent.kill('SIGKILL');
    expect(sleeper, 'the hanging lldb was never seen running under timeout').toBeDefined();
    // Its limit is the analysis's second plus five, then five more before SIGKILL.
    await expect.poll(() => running(sleeper as number), { timeout: 30_000, interval: 200 }).toBe(false);
  });
});
