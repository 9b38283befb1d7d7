import { afterEach, describe, expect, it, vi } from 'vitest';
import { TerminalProcess } from '../../src/core/debugger/live/terminal-process';
import { PtyProcess } from '../../src/core/debugger/pty-process';

afterEach(() => vi.restoreAllMocks());

describe('a program on a pseudo-terminal, once killed', () => {
  it('takes no more input: a write says it has exited, rather than failing later inside node-pty', async () => {
    const errors = vi.spyOn(console, 'error');
    const holder = new PtyProcess('/bin/sh', ['-c', 'sleep 30'], { raw: true });
    holder.kill();
    // What a closing MI session writes last, after its close handler has killed the terminal.
    expect(() => holder.write('-gdb-exit\n')).toThrow(/already exited/);
    await holder.exited;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors).not.toHaveBeenCalled();
  });

  it('drops what is typed into a console after it was closed', async () => {
    const errors = vi.spyOn(console, 'error');
    const console_ = new TerminalProcess('/bin/sh', ['-c', 'sleep 30'], { cols: 80, rows: 24 });
    console_.kill();
    // A paste larger than the terminal's buffer: what does not fit waits in node-pty's queue for a reader that is gone.
    console_.write('x'.repeat(256 * 1024));
    console_.resize(100, 30);
    await console_.exited;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors).not.toHaveBeenCalled();
  });
});
