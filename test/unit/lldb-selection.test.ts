import { describe, expect, it } from 'vitest';
import { LldbSelectionReader } from '../../src/core/debugger/lldb/selection';

const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const mark = (thread: number, frame: number) => `${ESC}]7777;${thread};${frame}${BEL}`;

function reader() {
  const seen: Array<[number, number]> = [];
  const r = new LldbSelectionReader(({ thread, frame }) => seen.push([thread, frame]));
  return { r, seen };
}

describe('reading lldb’s selection from its console output', () => {
  it('takes the one frame a selection command prints, once its prompt follows', () => {
    const { r, seen } = reader();
    r.take(`frame select 1\r\n${mark(1, 1)}frame #1: 0x1 app\`main at a.c:3\r\n`);
    expect(seen).toEqual([]);
    r.take('(lldb) ');
    expect(seen).toEqual([[1, 1]]);
  });

  it('takes the starred frame of a backtrace, not its last one', () => {
    const { r, seen } = reader();
    r.take(`bt\r\n* thread #2\r\n    ${mark(2, 0)}frame #0\r\n  * ${mark(2, 1)}frame #1\r\n    ${mark(2, 2)}frame #2\r\n(lldb) `);
    expect(seen).toEqual([[2, 1]]);
  });

  it('finds a marker cut between two pieces of output, and hides whole markers from the terminal', () => {
    const { r, seen } = reader();
    const whole = `${mark(3, 4)}frame #4\r\n(lldb) `;
    const shown = r.take(whole.slice(0, 5)) + r.take(whole.slice(5));
    expect(seen).toEqual([[3, 4]]);
    expect(shown).toBe(whole);
    expect(r.take(`${mark(1, 0)}frame #0\r\n(lldb) `)).toBe('frame #0\r\n(lldb) ');
  });

  it('moves nothing for output without frames', () => {
    const { r, seen } = reader();
    r.take('register read rip\r\n     rip = 0x1\r\n(lldb) ');
    expect(seen).toEqual([]);
  });
});
