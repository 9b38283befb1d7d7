import { describe, expect, it } from 'vitest';
import { StartGuard, refusedCommand } from '../../src/core/debugger/live/refuse-start';

describe('refusedCommand', () => {
  it.each([
    'run',
    'r',
    'r --args',
    'start',
    'starti',
    'attach 12',
    'process launch',
    'pro la',
    'process  attach -p 1',
    'process connect x',
    'platform process launch -- ls',
    'plat sel host',
    'platform connect x',
    'gdb-remote 1234',
    'target remote :1',
    'tar ext :1',
    'target native',
  ])('refuses %j', (line) => expect(refusedCommand(line)).toMatch(/is turned off in Crash Workbench/));
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
    'script import os',
    'scr os.system("id")',
    'command script import /tmp/x.py',
    'com scr add -f x y',
    'platform shell id',
    'plat sh id',
  ])('refuses %j, which reaches a shell or a script', (line) =>
    expect(refusedCommand(line)).toMatch(/runs programs or scripts on this machine/),
  );
  it.each([
    'bt',
    'register read',
    'frame select 1',
    'process status',
    'platform status',
    'thread list',
    'print run',
    'target modules list',
    'reg',
    'p x',
    'print shell',
    'info sharedlibrary',
    'frame variable',
    'platform status',
  ])('lets %j run', (line) => expect(refusedCommand(line)).toBeNull());
});

describe('StartGuard', () => {
  it('holds back a refused line: clears it in the debugger and never sends its Enter', () => {
    const guard = new StartGuard();
    expect(guard.take('process launch')).toEqual({ pass: 'process launch', refusal: null });
    const ended = guard.take('\r');
    expect(ended.pass).toBe('\x15');
    expect(ended.refusal).toMatch(/^process launch is turned off/);
  });

  it('follows backspace and Ctrl-U, so what runs is what was judged', () => {
    const guard = new StartGuard();
    expect(guard.take('bt\x7f\x7frun\r').refusal).toMatch(/^run is turned off/);
    expect(guard.take('run\x15bt\r')).toEqual({ pass: 'run\x15bt\r', refusal: null });
    expect(guard.take('rx\x7f\r').refusal).toMatch(/^r is turned off/);
  });

  it('lets a line it cannot follow through, and knows the next one again', () => {
    const guard = new StartGuard();
    expect(guard.take('\x1b[A\r')).toEqual({ pass: '\x1b[A\r', refusal: null });
    expect(guard.take('run\r').refusal).not.toBeNull();
  });
});
