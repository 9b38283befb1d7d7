import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { apportReport, nodeReport } from '../fixtures/bundles';
import { crashForCore } from '../fixtures/crashers';

const fixtures = inject('fixtures');
const BIN = join(process.cwd(), 'bin', 'crashwb.cjs');
const crashwb = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });

interface JsonCrash {
  signal: { number: number; name: string; code: number; faultAddress: string | null };
  pid: number;
  executable: string;
  crashingThreadId: number;
  threads: Array<{ id: number; name: string | null; registers: Record<string, string>; frames: Array<Record<string, unknown>> }>;
  modules: Array<{ path: string; buildId: string | null; symbols: string }>;
}

describe('crashwb', () => {
  it('prints help', () => {
    const result = crashwb('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/crashwb analyze CORE/);
    expect(result.stdout).toMatch(/crashwb serve/);
  });

  it.each([
    'analyze',
    'import',
    'events',
    'groups',
    'trends',
    'compare',
    'export',
    'watch',
    'reporter',
    'upload',
    'agent',
    'install-handler',
    'upload-symbols',
    'symbols',
    'regroup',
    'serve',
  ])('%s --help prints its own usage and exits 0', (command) => {
    const result = crashwb(command, '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage:\\n  crashwb ${command}( |$)`, 'm'));
    expect(result.stdout.match(/^ {2}crashwb /gm)).toHaveLength(1);
    expect(result.stderr).toBe('');
  });

  it.each(['analyze', 'import', 'watch', 'reprocess'])('explains the symbol options in %s --help', (command) => {
    const result = crashwb(command, '--help');
    expect(result.stdout).toMatch(/--solib-dir DIR .*\n.*build-id is the core's/);
    expect(result.stdout).toMatch(/--symbol-server URL/);
  });

  it('stops quietly when the reader of its output has gone (crashwb … | head)', () => {
    // `true` leaves before crashwb writes, so its first write meets a closed pipe.
    const result = spawnSync(
      'bash',
      ['-c', 'set -o pipefail; "$0" "$1" analyze "$2" --json | true; echo "status=$?"', process.execPath, BIN, fixtures.nullDeref.core],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stdout.trim()).toBe('status=0');
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
  });

  it('says in one line that it cannot write its output to a full disk (/dev/full), and exits 1', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'crashwb-full-')), 'wb.db');
    for (const args of [['events', '--db', db, '--json'], ['--help']]) {
      const result = spawnSync('bash', ['-c', '"$0" "$@" > /dev/full', process.execPath, BIN, ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status, args.join(' ')).toBe(1);
      expect(result.stderr.trim().split('\n'), result.stderr).toEqual([expect.stringMatching(/^crashwb: cannot write the output: ENOSPC/)]);
    }
  });

  it('escapes the control characters of a core’s command line in what it prints, text and JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-escapes-'));
    const hostile = '\x1b]0;pwned\x07\x1b[2J\u009b31m\u202eevil';
    const core = crashForCore(fixtures.nullDeref.executable, dir, [hostile]);
    for (const args of [[core], [core, '--json']]) {
      const result = crashwb('analyze', ...args);
      expect(result.status, result.stderr).toBe(0);
      for (const raw of ['\u001b', '\u0007', '\u009b', '\u202e']) expect(result.stdout).not.toContain(raw);
      expect(result.stdout).toContain('\\u001b]0;pwned\\u0007');
      if (args.includes('--json')) expect((JSON.parse(result.stdout) as { commandLine: string }).commandLine).toContain(hostile);
    }
  });

  it('analyze says that a crash report is no core, and which command reads it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-not-core-'));
    const reports = {
      'a Node.js diagnostic report': nodeReport(dir, 'app', 'null.x;'),
      'an apport report': apportReport(dir, 'app.crash', { ProblemType: 'Crash', Signal: '11', Stacktrace: '#0  0x1 in main () at a.c:1' }),
    };
    for (const [what, path] of Object.entries(reports)) {
      const result = crashwb('analyze', path);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`${path} is ${what}, not one core`);
      expect(result.stderr).toContain(`crashwb import ${path}`);
    }
  });

  it('analyze shows a helper that left the stack by a tail call at -O2, marked as inferred, in text and JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-tail-'));
    const source = join(dir, 'names.c');
    writeFileSync(
      source,
      [
        '#include <string.h>',
        'struct rec { const char *field; };',
        '__attribute__((noinline)) size_t name_length(struct rec *r) { return strlen(r->field); }',
        '__attribute__((noinline)) int report(struct rec *r) { size_t n = name_length(r); return (int)n + 1; }',
        'int main(int argc, char **argv) { struct rec r = { argc > 5 ? argv[1] : 0 }; return report(&r); }',
      ].join('\n'),
    );
    const exe = join(dir, 'names');
    execFileSync('gcc', ['-g', '-O2', '-o', exe, source]);
    const core = crashForCore(exe, dir);
    const text = crashwb('analyze', core, '--exe', exe);
    expect(text.status, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const inferred = lines.findIndex((l) => /↳\s+0x[0-9a-f]+\s+name_length at .*names\.c:3\s+\[tail call \(inferred\)\]/.test(l));
    expect(inferred, text.stdout).toBeGreaterThan(0);
    expect(lines[inferred - 1]).toMatch(/#0 .*strlen/);
    expect(lines[inferred + 1]).toMatch(/#1 .*report at/);
    const json = JSON.parse(crashwb('analyze', core, '--exe', exe, '--json').stdout) as JsonCrash;
    expect(json.threads[0]?.frames[1]).toMatchObject({
      function: 'report',
      tailCalls: [{ function: 'name_length', line: 3, certain: true }],
    });
  });

  it('analyze --json prints the documented shape', () => {
    const result = crashwb('analyze', fixtures.workerThread.core, '--json');
    expect(result.status).toBe(0);
    const crash = JSON.parse(result.stdout) as JsonCrash;
    expect(crash.signal).toMatchObject({ number: 11, name: 'SIGSEGV', code: 1, faultAddress: '0x0' });
    expect(crash.executable).toBe(fixtures.workerThread.executable);
    expect(crash.threads[0]?.id).toBe(crash.crashingThreadId);
    const frame = crash.threads[0]?.frames[0];
    expect(Object.keys(frame ?? {}).sort()).toEqual(['address', 'file', 'function', 'index', 'inline', 'line', 'module']);
    expect(crash.threads[0]?.registers.rip).toMatch(/^0x[0-9a-f]+$/);
    expect(crash.modules.find((m) => m.path === fixtures.workerThread.executable)).toMatchObject({
      symbols: 'debug-info',
      buildId: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
  });

  it('analyze prints a readable report with lldb too', () => {
    const result = crashwb('analyze', fixtures.stripped.core, '--debugger', 'lldb', '--debug-dir', fixtures.stripped.debugDir ?? '');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^SIGSEGV at 0x8: address not mapped/);
    expect(result.stdout).toMatch(/Crashed thread 1 \(LWP \d+\)( "null_deref")?:\n {2}#0 +0x[0-9a-f]+ +read_retries at .*null_deref\.c:11/);
  });

  it('fails with a clear message and a non-zero status on bad input', () => {
    const missing = crashwb('analyze', '/nonexistent/core');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/crashwb: core file \/nonexistent\/core does not exist/);
    const notCore = crashwb('analyze', fixtures.nullDeref.executable);
    expect(notCore.status).toBe(1);
    expect(notCore.stderr).toMatch(/not a core dump; pass it as --exe/);
    const usage = crashwb('analyze', fixtures.nullDeref.core, '--debugger', 'windbg');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--debugger must be gdb or lldb/);
  });
});
