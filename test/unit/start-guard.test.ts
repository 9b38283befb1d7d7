import { describe, expect, it } from 'vitest';
import { backendOf } from '../../src/core/debugger';
import { GDB_REFUSED } from '../../src/core/debugger/gdb/refused-commands';
import { StartGuard, refusedCommand } from '../../src/core/debugger/live/refuse-start';
import { LLDB_REFUSED } from '../../src/core/debugger/lldb/refused-commands';
import { DEBUGGERS } from '../../src/shared/model';

const STARTS = /is turned off in Crash Workbench: this session examines a core file/;
const SHELLS = /runs programs or scripts on this machine/;

describe("gdb's console", () => {
  it.each(['run', 'r', 'r --args', 'start', 'starti', 'attach 12', 'at 12', 'target remote :1', 'tar ext :1', 'target native'])(
    'refuses %j',
    (line) => expect(refusedCommand(line, GDB_REFUSED)).toMatch(STARTS),
  );
  it.each([
    'shell id',
    'she ls',
    '!id',
    '! id',
    'pipe bt | sh',
    '| bt | sh',
    'make',
    'edit main',
    'python import os',
    'py os.system("id")',
    'pi',
    'guile (system "id")',
    'gr',
  ])('refuses %j, which reaches a shell or a script', (line) => expect(refusedCommand(line, GDB_REFUSED)).toMatch(SHELLS));
  it.each([
    'bt',
    'print run',
    'p x',
    'print shell',
    'info sharedlibrary',
    'info registers',
    'frame 2',
    'thread apply all bt',
    'x/16xg $sp',
    'target',
  ])('lets %j run', (line) => expect(refusedCommand(line, GDB_REFUSED)).toBeNull());
});

describe("lldb's console", () => {
  it.each([
    'run',
    'r',
    'attach 12',
    'process launch',
    'pro la',
    'process  attach -p 1',
    'process connect x',
    'platform process launch -- ls',
    'plat sel host',
    'platform connect x',
    'gdb-remote 1234',
    'kdp-remote x',
  ])('refuses %j', (line) => expect(refusedCommand(line, LLDB_REFUSED)).toMatch(STARTS));
  it.each([
    'shell id',
    'script import os',
    'scr os.system("id")',
    'command script import /tmp/x.py',
    'com scr add -f x y',
    'platform shell id',
    'plat sh id',
    'plugin load /tmp/evil.so',
    'plu lo /tmp/evil.so',
  ])('refuses %j, which reaches a shell or a script', (line) => expect(refusedCommand(line, LLDB_REFUSED)).toMatch(SHELLS));
  it.each([
    'bt',
    'register read',
    'frame select 1',
    'process status',
    'platform status',
    'thread list',
    'target modules list',
    'reg',
    'frame variable',
    'p run',
    'v8 bt',
    'plugin list',
  ])('lets %j run', (line) => expect(refusedCommand(line, LLDB_REFUSED)).toBeNull());
});

describe('every debugger the workbench drives', () => {
  it.each(DEBUGGERS)('%s refuses, in its own spellings, to run the crashed program or a shell', (kind) => {
    const { refused } = backendOf(kind);
    expect(refused.starters.length).toBeGreaterThan(0);
    expect(refused.shells.length).toBeGreaterThan(0);
    expect(refusedCommand('run', refused)).toMatch(STARTS);
    expect(refusedCommand('shell id', refused)).toMatch(SHELLS);
  });
});

describe('StartGuard', () => {
  it('holds back a refused line: clears it in the debugger and never sends its Enter', () => {
    const guard = new StartGuard(LLDB_REFUSED);
    expect(guard.take('process launch')).toEqual({ pass: 'process launch', refusal: null });
    const ended = guard.take('\r');
    expect(ended.pass).toBe('\x15');
    expect(ended.refusal).toMatch(/^process launch is turned off/);
  });

  it('follows backspace and Ctrl-U, so what runs is what was judged', () => {
    const guard = new StartGuard(GDB_REFUSED);
    expect(guard.take('bt\x7f\x7frun\r').refusal).toMatch(/^run is turned off/);
    expect(guard.take('run\x15bt\r')).toEqual({ pass: 'run\x15bt\r', refusal: null });
    expect(guard.take('rx\x7f\r').refusal).toMatch(/^r is turned off/);
  });

  it('lets a line it cannot follow through, and knows the next one again', () => {
    const guard = new StartGuard(GDB_REFUSED);
    expect(guard.take('\x1b[A\r')).toEqual({ pass: '\x1b[A\r', refusal: null });
    expect(guard.take('run\r').refusal).not.toBeNull();
  });
});
