import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runtimeOutputOf, serviceOf } from '../../src/agent/runtime-output';
import { parseFaulthandler, parseGoPanic, parseNodeAbort, parseRuntimeOutput } from '../../src/core/sources/runtime-text';
import { isRuntimeOutputHead } from '../../src/core/sources/kinds/runtime-output';

// As Go 1.19 printed it with GOTRACEBACK=crash, cut to two goroutines.
const GO_PANIC = `starting
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0x481280]

goroutine 6 [running]:
panic({0x48bd60, 0x4b7fd8})
\t/usr/lib/go-1.19/src/runtime/panic.go:987 +0x3ba fp=0xc000088ec0 sp=0xc000088e00 pc=0x43137a
runtime.panicmem(...)
\t/usr/lib/go-1.19/src/runtime/panic.go:260
main.handle(0x0?)
\t/srv/app/main.go:14 +0x0 fp=0xc000088f30 sp=0xc000088ec0 pc=0x481280
main.(*Pool).worker(...)
\t/srv/app/main.go:20
created by main.main
\t/srv/app/main.go:27 +0x25

goroutine 1 [semacquire]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
\t/usr/lib/go-1.19/src/runtime/proc.go:363 +0xd6 fp=0xc000038fb0 sp=0xc000038f90 pc=0x4343d6
`;

describe('what runtimes print as they die', () => {
  it('reads a Go panic: the message, the signal, the goroutines with the panicking one first, inlined frames marked', () => {
    const out = parseGoPanic(GO_PANIC);
    expect(out).toMatchObject({
      runtime: 'go',
      message: 'panic: runtime error: invalid memory address or nil pointer dereference',
      signal: 11,
      faultAddress: '0x8',
    });
    expect(out?.stacks.map((s) => [s.name, s.current])).toEqual([
      ['goroutine 6 [running]', true],
      ['goroutine 1 [semacquire]', false],
    ]);
    expect(out?.stacks[0]?.frames.map((f) => [f.function, f.file, f.line, f.inline, f.address])).toEqual([
      ['runtime.gopanic', '/usr/lib/go-1.19/src/runtime/panic.go', 987, false, '0x43137a'],
      ['runtime.panicmem', '/usr/lib/go-1.19/src/runtime/panic.go', 260, true, '0x0'],
      ['main.handle', '/srv/app/main.go', 14, false, '0x481280'],
      ['main.(*Pool).worker', '/srv/app/main.go', 20, true, '0x0'],
    ]);
  });

  it('reads faulthandler’s report: the current thread’s Python frames', () => {
    const out = parseFaulthandler(
      'Fatal Python error: Segmentation fault\n\nThread 0x00007f0000000001 (most recent call first):\n  File "/srv/w.py", line 3 in wait\n\nCurrent thread 0x00007fdcb19042c0 (most recent call first):\n  File "/srv/x.py", line 6 in read_header\n  File "/srv/x.py", line 14 in <module>\n\nExtension modules: _ctypes (total: 1)\n',
    );
    expect(out?.signal).toBe(11);
    expect(out?.stacks.find((s) => s.current)?.frames.map((f) => [f.function, f.line])).toEqual([
      ['read_header', 6],
      ['<module>', 14],
    ]);
  });

  it('reads Node’s uncaught exception with the lines that were running, a method’s [as] name kept', () => {
    const out = parseNodeAbort(
      'Uncaught TypeError: bad input: 42\n\nFROM\nbaz (/srv/a.js:4:9)\nTimeout.foo [as _onTimeout] (/srv/a.js:10:10)\nlistOnTimeout (node:internal/timers:581:17)\n',
    );
    expect(out?.stacks[0]?.frames.map((f) => [f.function, f.file, f.line, f.column])).toEqual([
      ['baz', '/srv/a.js', 4, 9],
      ['Timeout.foo [as _onTimeout]', '/srv/a.js', 10, 10],
      ['listOnTimeout', 'node:internal/timers', 581, 17],
    ]);
  });

  it('finds nothing in a log that only mentions a panic, and knows the three by their first lines', () => {
    expect(parseRuntimeOutput('server started\nno panic: all good\n')).toBeNull();
    expect(parseRuntimeOutput('panic: x\n(no goroutines were printed)\n')).toBeNull();
    expect(isRuntimeOutputHead(Buffer.from('listening\npanic: boom\n'))).toBe(true);
    expect(isRuntimeOutputHead(Buffer.from('Fatal Python error: Aborted\n'))).toBe(true);
    expect(isRuntimeOutputHead(Buffer.from('just a log\n'))).toBe(false);
    expect(isRuntimeOutputHead(Buffer.from('panic: \u0000binary'))).toBe(false);
  });
});

describe('the capture agent’s gathering of what the runtime wrote', () => {
  it('names the systemd service of a process from its cgroup, and none outside one', () => {
    expect(serviceOf('0::/system.slice/shop.service\n')).toBe('shop.service');
    expect(serviceOf('0::/user.slice/user-1000.slice/session-2.scope\n')).toBeNull();
    expect(serviceOf('0::/system.slice/--evil.service\n')).toBe('--evil.service');
  });

  it('takes the Node.js reports the process wrote in its folder and its service’s last journal lines', async () => {
    const root = mkdtempSync(join(tmpdir(), 'crashwb-runtime-output-'));
    const proc = join(root, 'proc');
    const work = join(root, 'app');
    mkdirSync(join(proc, '4242'), { recursive: true });
    mkdirSync(work);
    symlinkSync(work, join(proc, '4242', 'cwd'));
    writeFileSync(join(proc, '4242', 'cgroup'), '0::/system.slice/shop.service\n');
    writeFileSync(join(work, 'report.20261207.101313.4242.0.001.json'), '{"header":{"reportVersion":3}}');
    writeFileSync(join(work, 'report.20261207.101313.999.0.001.json'), '{"another":"process"}');
    // A journalctl that prints what it was asked: the unit comes after -u, never as an option.
    const journalctl = join(root, 'journalctl');
    writeFileSync(journalctl, '#!/bin/sh\necho "asked: $*"\necho "panic: boom"\n');
    chmodSync(journalctl, 0o755);
    const warnings: string[] = [];
    const found = await runtimeOutputOf(4242, (w) => warnings.push(w), { procRoot: proc, journalctl });
    expect(found.map((a) => a.name)).toEqual(['report.20261207.101313.4242.0.001.json', 'journal of shop.service']);
    expect(found[1]?.text).toMatch(/^asked: --no-pager -o cat -n 300 -u shop\.service\npanic: boom/);
    expect(warnings).toEqual([]);
  });

  it('says why the journal could not be read, and still gives the reports', async () => {
    const root = mkdtempSync(join(tmpdir(), 'crashwb-runtime-output-'));
    mkdirSync(join(root, '7'), { recursive: true });
    writeFileSync(join(root, '7', 'cgroup'), '0::/system.slice/shop.service\n');
    const warnings: string[] = [];
    const found = await runtimeOutputOf(7, (w) => warnings.push(w), { procRoot: root, journalctl: join(root, 'no-journalctl') });
    expect(found).toEqual([]);
    expect(warnings[0]).toMatch(/^no journal lines for process 7: /);
  });
});
