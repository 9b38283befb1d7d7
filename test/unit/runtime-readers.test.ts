import { describe, expect, it } from 'vitest';
import { panicText, panickingGoroutine, parseGoroutineName, type Goroutine } from '../../src/core/runtimes/go/delve';
import { interleave } from '../../src/core/runtimes/node/node-reader';
import {
  isErrorClass,
  parseErrorMessages,
  parseInspectedString,
  parseObjectCounts,
  parseV8Backtrace,
} from '../../src/core/runtimes/node/v8-output';
import { parsePyBt } from '../../src/core/runtimes/python/py-bt';
import { withPythonFrames } from '../../src/core/runtimes/python/python-reader';
import { withFrames } from '../../src/core/runtimes/runtime-reader';
import { normalizeFunction } from '../../src/core/fingerprint/normalize';
import { fingerprint } from '../../src/core/fingerprint/fingerprint';
import type { Frame, Thread } from '../../src/shared/model';

// Lines as llnode 4 printed them for a Node 20 core (`v8 bt`), colours off.
const V8_BT = `(lldb) v8 bt 256
 * thread #1: tid = 27227, 0x0000000002155a72 node\`v8::base::OS::Abort() + 18, name = 'node', stop reason = signal SIGTRAP
  * frame #0: 0x0000000002155a72 node\`v8::base::OS::Abort() + 18
    frame #1: 0x000000000106feb7 node\`v8::internal::Isolate::CreateMessageOrAbort(v8::internal::Handle<v8::internal::Object>, v8::internal::MessageLocation*) + 391
    frame #4: 0x000000000195e476 <exit>
    frame #6: 0x00000000018cfd1c baz(this=0x19179d7c04e9:<undefined>, <Smi: 42>, <Smi: 42>) at /srv/app/index.js:2:13 fn=0x000024599d21dd71
    frame #7: 0x00000000018cfd1c (this=0x30e4ad701191:<Global proxy>, 0x3a8f4faec869:<function:  at [eval]:1:0>) at [eval]:1:0 fn=0x000024599d21ddb1
    frame #9: 0x00000000018cfd1c listOnTimeout(this=0x19179d7c04e9:<undefined>, <Smi: 40>) at node:internal/timers:1:10 fn=0x000025a8321fc8e1
    frame #17: 0x00000000018a8be2 node\`uv__run_timers(loop=0x000000000566fa00) at timer.c:178:5
  thread #2: tid = 27230, 0x00007f37e60a3f16 libc.so.6\`__futex_abstimed_wait_common + 22
    frame #0: 0x00007f37e60a3f16 libc.so.6\`__futex_abstimed_wait_common + 22
`;

const native = (index: number, address: string, fn: string, extra: Partial<Frame> = {}): Frame => ({
  index,
  address,
  function: fn,
  file: null,
  line: null,
  module: '/usr/bin/node',
  inline: false,
  ...extra,
});

describe("llnode's output", () => {
  it('reads native, stub and JavaScript frames of the first thread only, a script path with colons whole', () => {
    const frames = parseV8Backtrace(V8_BT);
    expect(frames.map((f) => f.kind)).toEqual(['native', 'native', 'stub', 'javascript', 'javascript', 'javascript', 'native']);
    expect(frames[3]).toEqual({
      kind: 'javascript',
      address: '0x18cfd1c',
      function: 'baz',
      script: '/srv/app/index.js',
      line: 2,
      column: 13,
    });
    expect(frames[4]).toMatchObject({ function: '<anonymous>', script: '[eval]', line: 1, column: 0 });
    expect(frames[5]).toMatchObject({ function: 'listOnTimeout', script: 'node:internal/timers', line: 1, column: 10 });
    expect(frames[6]).toEqual({
      kind: 'native',
      address: '0x18a8be2',
      module: 'node',
      function: 'uv__run_timers',
      file: 'timer.c',
      line: 178,
    });
    expect(frames[1]).toMatchObject({
      function: 'v8::internal::Isolate::CreateMessageOrAbort(v8::internal::Handle<v8::internal::Object>, v8::internal::MessageLocation*)',
    });
  });

  it('reads the heap’s object counts and the error objects’ messages', () => {
    const counts = parseObjectCounts(
      ' Instances  Total Size Name\n ---------- ---------- ----\n          1         48 TypeError\n        564      35664 Object\n',
    );
    expect([...counts]).toEqual([
      ['TypeError', 1],
      ['Object', 564],
    ]);
    expect(['TypeError', 'ValidationError', 'QuotaException', 'Object', '(Array)'].map(isErrorClass)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    const objects = parseErrorMessages(
      '0x24599d21efb9:<Object: TypeError properties {\n    .stack=0x3a402a0b1c89:<unknown>,\n    .message=0x24599d21ef99:<String: "bad input: "x">">,\n    .Symbol()=0x1:<FixedArray, len=5>}>\n0x2:<Object: RangeError properties {\n    .stack=0x3:<unknown>}>\n',
    );
    expect(objects).toEqual([
      { type: 'TypeError', message: 'bad input: "x">', messageAddress: '0x24599d21ef99' },
      { type: 'RangeError', message: null, messageAddress: null },
    ]);
    expect(parseInspectedString(`0x2855d09de1e1:<String: "Cannot read properties of null (reading 'items')">`)).toBe(
      "Cannot read properties of null (reading 'items')",
    );
    expect(parseInspectedString(`0x2855d09de1e1:<String: "Cannot read properties of null (reading 'items')">`)).toBe(
      "Cannot read properties of null (reading 'items')",
    );
  });

  it('puts the JavaScript frames among the debugger’s own, keeping its frames where the addresses agree and dropping its garbage', () => {
    const gdb = [
      native(0, '0x2155a72', 'v8::base::OS::Abort()'),
      native(1, '0x106feb7', 'v8::internal::Isolate::CreateMessageOrAbort(…)'),
      native(2, '0x24599d21ef99', null as unknown as string, { function: null }),
      native(3, '0x18a8be2', 'uv__run_timers', { file: 'src/timer.c', line: 178 }),
    ];
    const merged = interleave(parseV8Backtrace(V8_BT), gdb, () => '/usr/bin/node');
    expect(merged.map((f) => f.function)).toEqual([
      'v8::base::OS::Abort()',
      'v8::internal::Isolate::CreateMessageOrAbort(…)',
      'V8 <exit> frame',
      'baz',
      '<anonymous>',
      'listOnTimeout',
      'uv__run_timers',
    ]);
    expect(merged[6]).toBe(gdb[3]);
    expect(merged[3]).toMatchObject({ language: 'javascript', position: 'definition', address: '0x0', module: null });
  });
});

/** The crashing thread of a crash with these frames and nothing else read. */
const crashedThread = (frames: Frame[]): Thread => ({
  id: 1,
  number: 1,
  name: null,
  crashed: true,
  frames,
  framesTruncated: false,
  registers: {},
  locals: {},
});

describe('frames put in among a thread’s own', () => {
  it('move the locals and registers with the frames they were read for', () => {
    const frames = [native(0, '0x1', 'a'), native(1, '0x2', 'b')];
    const thread: Thread = {
      ...crashedThread(frames),
      locals: { '1': [{ name: 'x', type: 'int', value: '1', isArgument: false }] },
      frameRegisters: { '1': { rip: '0x2' } },
    };
    const python = {
      index: 0,
      address: '0x0',
      function: 'f',
      file: 'a.py',
      line: 1,
      module: null,
      inline: false,
      language: 'python' as const,
    };
    const moved = withFrames(thread, [frames[0] as Frame, python, frames[1] as Frame]);
    expect(moved.frames.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(Object.keys(moved.locals)).toEqual(['2']);
    expect(moved.frameRegisters).toEqual({ '2': { rip: '0x2' } });
  });

  it('put Python frames just above the interpreter’s evaluation loop', () => {
    const frames = [native(0, '0x1', 'l_get'), native(1, '0x2', '_PyEval_EvalFrameDefault'), native(2, '0x3', 'Py_RunMain')];
    const py = parsePyBt(
      'Traceback (most recent call first):\n  File "/app/x.py", line 6, in read_header\n    return x[2]\n  File "/app/x.py", line 14, in <module>\n    main()\n',
    );
    expect(py).toEqual([
      { file: '/app/x.py', line: 6, function: 'read_header' },
      { file: '/app/x.py', line: 14, function: '<module>' },
    ]);
    expect(withPythonFrames(frames, py).map((f) => f.function)).toEqual([
      'l_get',
      'read_header',
      '<module>',
      '_PyEval_EvalFrameDefault',
      'Py_RunMain',
    ]);
  });
});

describe('Delve’s answers', () => {
  it('reads a goroutine’s name: its id, its OS thread and whether it is the current one', () => {
    expect(parseGoroutineName('* [Go 1] main.main (Thread 27478)')).toEqual({ id: 1, thread: 27478, current: true });
    expect(parseGoroutineName('[Go 17] runtime.gopark')).toEqual({ id: 17, thread: null, current: false });
    expect(parseGoroutineName('Dummy')).toBeNull();
  });

  it('says a panic as Go prints it', () => {
    expect(panicText('interface {}(runtime.plainError) "assignment to entry in nil map"')).toBe('assignment to entry in nil map');
    expect(panicText('interface {}(runtime.errorString) "invalid memory address or nil pointer dereference"')).toBe(
      'runtime error: invalid memory address or nil pointer dereference',
    );
    expect(panicText('interface {}(*errors.errorString) *{s: "disk full"}')).toBe('disk full');
    expect(panicText('interface {}(string) "unreachable: \\"x\\""')).toBe('unreachable: "x"');
  });

  it('takes the goroutine that panicked for the crashing one, not the one on the signalled thread', () => {
    const g = (id: number, thread: number | null, fns: string[], current = false): Goroutine => ({
      id,
      thread,
      current,
      frames: fns.map((f) => ({ function: f, file: null, line: null, address: '0x1' })),
      frameIds: fns.map((_, i) => i),
    });
    const goroutines = [g(1, 10, ['runtime.gopark'], true), g(7, null, ['runtime.gopanic', 'main.worker'])];
    expect(panickingGoroutine(goroutines, 10)?.id).toBe(7);
    expect(panickingGoroutine([g(1, 10, ['runtime.gopark'])], 10)?.id).toBe(1);
  });
});

/** A frame of a runtime's own language: a script's function, no module, no address. */
const scriptFrame = (index: number, fn: string, file: string, language: 'javascript' | 'python'): Frame => ({
  ...native(index, '0x0', fn),
  module: null,
  file,
  line: language === 'python' ? 3 : 1,
  language,
});

describe('grouping a runtime’s crash', () => {
  it('keeps names wholly in brackets whole: gdb’s signal frame, Python’s module level', () => {
    expect(normalizeFunction('<signal handler called>')).toBe('<signal handler called>');
    expect(normalizeFunction('<module>')).toBe('<module>');
    expect(normalizeFunction('std::vector<int, std::allocator<int> >::at')).toBe('std::vector<T>::at');
  });

  it('leaves Node.js’s native frames out, and counts a Python function called main', () => {
    const thread = crashedThread;
    const js = (index: number, fn: string): Frame => scriptFrame(index, fn, '/srv/a.js', 'javascript');
    const node = fingerprint({
      executable: '/usr/bin/node',
      signal: { number: 5, name: 'SIGTRAP', code: 0, codeName: null, faultAddress: null, senderPid: null, explanation: '' },
      threads: [
        thread([
          native(0, '0x1', 'v8::base::OS::Abort()'),
          native(1, '0x2', 'v8::internal::Isolate::CreateMessageOrAbort(x)'),
          native(2, '0x3', 'Builtins_ThrowHandler'),
          js(3, 'baz'),
          js(4, 'bar'),
        ]),
      ],
    });
    expect(node.title).toBe('uncaught-exception in baz (a.js:1)');
    const py = (index: number, fn: string): Frame => scriptFrame(index, fn, '/srv/a.py', 'python');
    const python = fingerprint({
      executable: '/usr/bin/python3.11',
      signal: { number: 11, name: 'SIGSEGV', code: 1, codeName: null, faultAddress: '0x0', senderPid: null, explanation: '' },
      threads: [
        thread([
          native(0, '0x1', 'ffi_call', { module: '/usr/lib/x86_64-linux-gnu/libffi.so.8' }),
          py(1, 'main'),
          native(2, '0x3', '_PyEval_EvalFrameDefault', { module: '/usr/bin/python3.11' }),
        ]),
      ],
    });
    expect(python.frames).toEqual(['ffi_call', 'main']);
  });
});
