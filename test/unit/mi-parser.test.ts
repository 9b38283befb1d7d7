import { describe, expect, it } from 'vitest';
import { miList, miQuote, parseMiLine } from '../../src/core/debugger/gdb/mi-parser';

describe('GDB/MI parser', () => {
  it('parses a tokenized result with nested tuples and lists', () => {
    const record = parseMiLine(
      '12^done,stack=[frame={level="0",addr="0x1139",func="main",file="a.c",line="4"},frame={level="1",addr="0x2000",func="??"}]',
    );
    expect(record).toMatchObject({ kind: 'result', token: 12, class: 'done' });
    if (record?.kind !== 'result') throw new Error('not a result');
    const frames = miList(record.results.stack);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toEqual({ level: '0', addr: '0x1139', func: 'main', file: 'a.c', line: '4' });
  });

  it('collects repeated names in a tuple into an array', () => {
    const record = parseMiLine('^done,groups={group="a",group="b",group="c"}');
    if (record?.kind !== 'result') throw new Error('not a result');
    expect(record.results.groups).toEqual({ group: ['a', 'b', 'c'] });
  });

  it('decodes c-string escapes including octal UTF-8 bytes', () => {
    const record = parseMiLine('~"caf\\303\\251 \\"quoted\\"\\n"');
    expect(record).toEqual({ kind: 'stream', type: 'console', text: 'café "quoted"\n' });
  });

  it('parses error results with their message', () => {
    expect(parseMiLine('3^error,msg="No symbol \\"x\\" in current context."')).toEqual({
      kind: 'result',
      token: 3,
      class: 'error',
      results: { msg: 'No symbol "x" in current context.' },
    });
  });

  it('parses async notifications such as thread selection', () => {
    expect(parseMiLine('=thread-selected,id="2",frame={level="1"}')).toMatchObject({
      kind: 'async',
      type: 'notify',
      class: 'thread-selected',
      results: { id: '2', frame: { level: '1' } },
    });
  });

  it('recognises the prompt and ignores non-MI lines', () => {
    expect(parseMiLine('(gdb) ')).toEqual({ kind: 'prompt' });
    expect(parseMiLine('12-thread-info')).toBeNull();
    expect(parseMiLine('Segmentation fault')).toBeNull();
  });

  it('throws on malformed records instead of guessing', () => {
    expect(() => parseMiLine('^done,stack=[frame={level="0"')).toThrow(/syntax error/);
  });

  it('quotes arguments so paths with spaces and quotes survive', () => {
    expect(miQuote('/tmp/a "b"\\c')).toBe('"/tmp/a \\"b\\"\\\\c"');
  });
});
