import { describe, expect, it } from 'vitest';
import type { Frame, SignalInfo, Thread } from '../../src/shared/model';
import { fingerprint } from '../../src/core/fingerprint/fingerprint';
import { topCycle } from '../../src/core/fingerprint/rules/apply-rules';
import { normalizeFunction } from '../../src/core/fingerprint/normalize';

describe('function-name normalization', () => {
  it.each([
    ['__strlen_avx2', 'strlen'],
    ['__strlen_evex', 'strlen'],
    ['__strlen_sse2', 'strlen'],
    ['__memmove_avx_unaligned_erms', 'memmove'],
    ['__memcpy_avx512_unaligned_erms', 'memcpy'],
    ['__GI_raise', 'raise'],
    ['__GI___libc_free', 'free'],
    ['memcpy@GLIBC_2.14', 'memcpy'],
    ['parse_header.cold', 'parse_header'],
    ['parse_header.isra.0', 'parse_header'],
    ['parse_header.constprop.0.isra.0', 'parse_header'],
    ['parse_header.part.3', 'parse_header'],
    ['app::parse::h0123456789abcdef', 'app::parse'],
    [
      'inventory::Catalog::priceOf(std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > const&) const',
      'inventory::Catalog::priceOf',
    ],
    ['std::vector<int, std::allocator<int> >::push_back(int const&)', 'std::vector<T>::push_back'],
    ['int (anonymous namespace)::helper(int)', '(anonymous namespace)::helper'],
    ['main::{lambda(int)#1}::operator()(int) const', '{lambda}::operator()'],
    ['(anonymous namespace)::Worker::run((anonymous namespace)::Job*)::$_0::operator()(int) const', '{lambda}::operator()'],
    ["(anonymous namespace)::Worker::run((anonymous namespace)::Job*)::'lambda'(int)::operator()(int) const", '{lambda}::operator()'],
    ['operator()', '{lambda}::operator()'],
    ['Parser::operator()(int)', 'Parser::operator()'],
    ['Parser::operator()', 'Parser::operator()'],
    ["`anonymous namespace'::helper", '(anonymous namespace)::helper'],
    ['Object.<anonymous>', 'Object.<anonymous>'],
    ['core::result::Result$LT$T$C$E$GT$::expect', 'core::result::Result<T>::expect'],
    ['std::operator<< <std::char_traits<char> >', 'std::operator<< <T>'],
  ])('%s → %s', (raw, normalized) => {
    expect(normalizeFunction(raw)).toBe(normalized);
  });
});

const signal = (name: string): SignalInfo => ({
  number: 0,
  name,
  code: 0,
  codeName: null,
  faultAddress: null,
  senderPid: null,
  explanation: '',
});

function crashWith(names: Array<string | null>, signalName = 'SIGSEGV', module = '/opt/app/bin/app') {
  const frames: Frame[] = names.map((fn, index) => ({
    index,
    address: `0x${(0x1000 + index * 16).toString(16)}`,
    function: fn,
    file: null,
    line: null,
    module:
      fn &&
      /^(raise|abort|__pthread_kill_implementation|__GI_raise|malloc_printerr|_int_free|__libc_free|__assert_fail|__strlen_avx2|__strlen_sse2|__libc_start_call_main|start_thread|clone3)$/.test(
        fn,
      )
        ? '/usr/lib/x86_64-linux-gnu/libc.so.6'
        : module,
    inline: false,
  }));
  const thread: Thread = { id: 1, number: 1, name: null, crashed: true, frames, framesTruncated: false, registers: {}, locals: {} };
  return { threads: [thread], signal: signal(signalName), executable: module };
}

describe('fingerprints', () => {
  it('names a lambda by its caller, alike as gcc and clang name it, and never cuts the title inside its brackets', () => {
    const gcc = fingerprint(
      crashWith([
        'operator()',
        '(anonymous namespace)::Worker::apply<(anonymous namespace)::Worker::run((anonymous namespace)::Job*)::<lambda(int)> >(struct {...}, int)',
        '(anonymous namespace)::Worker::run',
        'main',
      ]),
    );
    const clang = fingerprint(
      crashWith([
        '(anonymous namespace)::Worker::run((anonymous namespace)::Job*)::{lambda(int)#1}::operator()(int) const',
        '(anonymous namespace)::Worker::apply<(anonymous namespace)::Worker::run((anonymous namespace)::Job*)::{lambda(int)#1}>((anonymous namespace)::Worker::run((anonymous namespace)::Job*)::{lambda(int)#1}, int)',
        '(anonymous namespace)::Worker::run',
        'main',
      ]),
    );
    expect(gcc.hash).toBe(clang.hash);
    expect(gcc.title).toBe('SIGSEGV in {lambda}::operator() → (anonymous namespace)::Worker::apply<T>');
    const otherCaller = fingerprint(crashWith(['operator()', 'Scheduler::tick', 'main']));
    expect(otherCaller.hash).not.toBe(gcc.hash);
  });

  it('drops abort machinery and keeps the mechanism', () => {
    const fp = fingerprint(
      crashWith(['__pthread_kill_implementation', '__GI_raise', 'abort', 'fatal_io', 'main', '__libc_start_call_main'], 'SIGABRT'),
    );
    expect(fp.mechanism).toBe('abort');
    expect(fp.frames).toEqual(['fatal_io']);
  });

  it('takes a thread start without symbols at the stack’s end for no crash machinery (a 32-bit libc names no start_thread)', () => {
    const crash = crashWith(['store_result', 'crashing_worker'], 'SIGSEGV');
    const thread = crash.threads[0] as Thread;
    const unnamed = (address: string) => ({ ...thread.frames[0]!, function: null, address, module: '/usr/lib32/libc.so.6' });
    thread.frames = [...thread.frames, unnamed('0xf7d9e43c'), unnamed('0xf7e39868')].map((f, index) => ({ ...f, index }));
    expect(fingerprint(crash).frames[0]).toBe('store_result');
  });

  it('tells an assert from a plain abort in the same function', () => {
    const assertFp = fingerprint(crashWith(['raise', 'abort', '__assert_fail', 'check', 'main'], 'SIGABRT'));
    const abortFp = fingerprint(crashWith(['raise', 'abort', 'check', 'main'], 'SIGABRT'));
    expect(assertFp.mechanism).toBe('assert');
    expect(assertFp.frames).toEqual(abortFp.frames);
    expect(assertFp.hash).not.toBe(abortFp.hash);
  });

  it('groups double frees by the function that freed twice, not by free', () => {
    const a = fingerprint(
      crashWith(['raise', 'abort', '__libc_message', 'malloc_printerr', '_int_free', '__libc_free', 'release_buffer', 'run'], 'SIGABRT'),
    );
    const b = fingerprint(
      crashWith(['raise', 'abort', '__libc_message', 'malloc_printerr', '_int_free', '__libc_free', 'release_table', 'run'], 'SIGABRT'),
    );
    expect(a.mechanism).toBe('heap-corruption');
    expect(a.frames).toEqual(['release_buffer']);
    expect(a.hash).not.toBe(b.hash);
  });

  it('is the same on hosts whose CPUs pick different strlen variants', () => {
    const avx = fingerprint(crashWith(['__strlen_avx2', 'name_length', 'run']));
    const sse = fingerprint(crashWith(['__strlen_sse2', 'name_length', 'run']));
    expect(avx.frames).toEqual(['strlen', 'name_length']);
    expect(avx.hash).toBe(sse.hash);
  });

  it('is the same whether the bug ran in the main thread or a worker', () => {
    const main = fingerprint(crashWith(['parse_header', 'run_bug', 'main', '__libc_start_call_main']));
    const worker = fingerprint(crashWith(['parse_header', 'run_bug', 'worker', 'start_thread', 'clone3']));
    expect(main.hash).toBe(worker.hash);
  });

  it('names unsymbolized frames by their module, never by address', () => {
    const fp = fingerprint(crashWith([null, null, '__libc_start_call_main']));
    expect(fp.frames).toEqual(['app']);
    expect(fp.title).not.toMatch(/0x/);
  });

  it('collapses a recursion cycle to one canonical rotation', () => {
    expect(topCycle(['pong', 'ping', 'pong', 'ping', 'pong'])).toEqual(['ping', 'pong']);
    expect(topCycle(['walk', 'walk', 'walk'])).toEqual(['walk']);
    expect(topCycle(['a', 'b', 'c'])).toBeNull();
    const a = fingerprint(crashWith(['ping', 'pong', 'ping', 'pong', 'ping', 'pong']));
    const b = fingerprint(crashWith(['pong', 'ping', 'pong', 'ping', 'pong', 'ping']));
    expect(a.hash).toBe(b.hash);
  });

  it('separates the same function under different signals', () => {
    expect(fingerprint(crashWith(['f', 'main'], 'SIGSEGV')).hash).not.toBe(fingerprint(crashWith(['f', 'main'], 'SIGFPE')).hash);
  });
});

describe('fingerprints of walked minidump stacks', () => {
  const frame = (index: number, over: Partial<Frame>): Frame => ({
    index,
    address: `0x${(0x7ff612340000 + index * 0x100).toString(16)}`,
    function: null,
    file: null,
    line: null,
    module: 'C:\\app\\app.exe',
    inline: false,
    ...over,
  });
  const crash = (frames: Frame[]) => ({
    threads: [{ id: 1, number: 1, name: null, crashed: true, frames, framesTruncated: false, registers: {}, locals: {} }],
    signal: signal('EXCEPTION_ACCESS_VIOLATION_WRITE'),
    executable: 'C:\\app\\app.exe',
  });

  it('counts frames without symbols by module and offset: another offset is another place', () => {
    const a = fingerprint(crash([frame(0, { moduleOffset: '0x1015', trust: 'context' })]));
    const same = fingerprint(crash([frame(0, { moduleOffset: '0x1015', trust: 'context', address: '0x140001015' })]));
    const other = fingerprint(crash([frame(0, { moduleOffset: '0x2230', trust: 'context' })]));
    expect(a.frames).toEqual(['app.exe+0x1015']);
    expect(same.hash).toBe(a.hash);
    expect(other.hash).not.toBe(a.hash);
  });

  it('never lets a scanned frame decide: the same crash with other stale words on its stack is one group', () => {
    const top = frame(0, { function: 'CrashFunction()', trust: 'context' });
    const withScan = (offset: string) =>
      fingerprint(crash([top, frame(1, { module: 'C:\\Windows\\System32\\kernel32.dll', moduleOffset: offset, trust: 'scan' })]));
    expect(withScan('0x1234').hash).toBe(withScan('0x9876').hash);
    expect(withScan('0x1234').frames).toEqual(['CrashFunction']);
  });

  it('reads Windows system DLLs as library frames, so the program’s own frame leads the signature', () => {
    const fp = fingerprint(
      crash([
        frame(0, { function: 'memcpy', module: 'C:\\Windows\\System32\\vcruntime140.dll', trust: 'context' }),
        frame(1, { function: 'CopyRecord', trust: 'cfi' }),
        frame(2, { function: 'main', trust: 'cfi' }),
      ]),
    );
    expect(fp.frames).toEqual(['memcpy', 'CopyRecord']);
  });
});
