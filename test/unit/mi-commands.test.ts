import { describe, expect, it } from 'vitest';
import * as mi from '../../src/core/debugger/gdb/mi-commands';
import { parseMiLine } from '../../src/core/debugger/gdb/mi-parser';
import type { GdbSession } from '../../src/core/debugger/gdb/session';

/** A session whose gdb answers each command with the result record given for it, as gdb writes one. */
function answering(records: Record<string, string>): { gdb: GdbSession; sent: string[] } {
  const sent: string[] = [];
  const gdb = {
    command: async (command: string) => {
      sent.push(command);
      const line = Object.entries(records).find(([prefix]) => command.startsWith(prefix))?.[1] ?? '^done';
      const record = parseMiLine(line);
      if (record?.kind !== 'result') throw new Error(`not a result record: ${line}`);
      return { class: record.class, results: record.results, console: '' };
    },
  } as unknown as GdbSession;
  return { gdb, sent };
}

describe('gdb/MI commands, built in one place and read defensively', () => {
  it('reads threads with fields left out as absent', async () => {
    const { gdb } = answering({
      '-thread-info': '^done,threads=[{id="1",target-id="LWP 42",name="main"},{target-id="LWP 43"},"junk"],current-thread-id="1"',
    });
    expect(await mi.threadInfo(gdb)).toEqual({
      threads: [
        { number: 1, targetId: 'LWP 42', name: 'main' },
        { number: null, targetId: 'LWP 43', name: null },
      ],
      current: 1,
    });
  });

  it('keeps only the registers and memory regions that came whole', async () => {
    const { gdb, sent } = answering({
      '-data-list-register-values': '^done,register-values=[{number="0",value="0x1"},{number="1"},{value="0x3"}]',
      '-data-read-memory-bytes': '^done,memory=[{begin="0x1000",contents="00ff"},{begin="nonsense",contents="11"}]',
    });
    expect(await mi.registerValues(gdb, 2, 1, '0 1 2')).toEqual([{ number: 0, value: '0x1' }]);
    expect(await mi.readMemory(gdb, 0x1000n, 2)).toEqual([{ begin: 0x1000n, contents: '00ff' }]);
    expect(sent).toEqual(['-data-list-register-values --thread 2 --frame 1 x 0 1 2', '-data-read-memory-bytes 0x1000 2']);
  });

  it('quotes what is written into a command: a console command and an expression stay one argument', async () => {
    const { gdb, sent } = answering({ '-data-evaluate-expression': '^done,value="4096"' });
    expect(await mi.evaluate(gdb, 1, 0, '(unsigned long)(p->next)')).toBe('4096');
    await mi.consoleCommand(gdb, 'frame 2');
    expect(sent).toEqual([
      '-data-evaluate-expression --thread 1 --frame 0 "(unsigned long)(p->next)"',
      '-interpreter-exec console "frame 2"',
    ]);
  });
});
