import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elfDebugId, readMinidump } from '../../src/core/minidump/minidump-file';
import { walkMinidump } from '../../src/core/minidump/minidump-stacks';
import { crashwbAsync } from '../fixtures/cli';
import { windowsAmd64 } from '../fixtures/stackwalk-scenarios';
import { symFileName, symStorePath } from '../../src/core/symbols/breakpad-fetch';
import { runPostfix } from '../../src/core/breakpad/postfix';
import { parseSymbolText } from '../../src/core/breakpad/sym-file';
import { machReason, windowsReason } from '../../src/core/minidump/exception-reasons';

describe('Breakpad’s conventions, as its tools and symbol servers follow them', () => {
  it('keys a Windows module’s symbols by its debug file’s name, not the full path its PDB record holds', () => {
    expect(symStorePath('c:\\projects\\app\\test_app.pdb', 'ABC1')).toEqual(['test_app.pdb', 'ABC1', 'test_app.sym']);
    expect(symStorePath('/build/out/libfoo.so', 'ABC1')).toEqual(['libfoo.so', 'ABC1', 'libfoo.so.sym']);
    expect(symFileName('C:\\x\\Crash.PDB')).toBe('Crash.sym');
  });

  it('reads FUNC m and PUBLIC m (a symbol at an address another shares) as the records they are', () => {
    const file = parseSymbolText(
      [
        'MODULE Linux x86_64 0123 app',
        'FUNC m 1000 20 0 folded_a',
        '1000 20 7 0',
        'FUNC 1000 20 0 folded_b',
        'PUBLIC m 2000 0 shared_public',
        'PUBLIC 3000 0 plain',
      ].join('\n'),
    );
    expect(file.problemCount).toBe(0);
    expect(file.functions.map((f) => f.name)).toEqual(['folded_a', 'folded_b']);
    expect(file.functions[0]?.lineCount).toBe(1);
    expect([0, 1, 2, 3].map((field) => file.lines.get(file.functions[0]?.firstLine ?? -1, field))).toEqual([0x1000, 0x20, 7, 0]);
    expect(file.publics.map((p) => [p.address, p.name])).toEqual([
      [0x2000, 'shared_public'],
      [0x3000, 'plain'],
    ]);
  });

  it('names a Windows fail-fast by its __fastfail code, as Breakpad does', () => {
    const reason = windowsReason({ code: 0xc0000409, flags: 1, address: 0x7ff75355af42n, parameters: [7n] });
    expect(reason).toMatchObject({ name: 'FAST_FAIL_FATAL_APP_EXIT', code: 7, codeName: 'STATUS_STACK_BUFFER_OVERRUN' });
    expect(reason.explanation).toMatch(/__fastfail\(7\), the program ended itself/);
    expect(windowsReason({ code: 0xc0000409, flags: 1, address: 0n, parameters: [999n] }).name).toBe('FAST_FAIL_999');
  });

  it('reads Crashpad’s EXC_CRASH, a signal wrapped in a Mach exception, with its signal', () => {
    const abort = machReason({ code: 0, flags: 0, address: 0x7fff6f41333an, parameters: [10n, 0x6000000n, 0n] });
    expect(abort).toMatchObject({ name: 'EXC_CRASH', codeName: 'SIGABRT', code: 6 });
    expect(abort.explanation).toMatch(/^EXC_CRASH \/ SIGABRT: the process died of SIGABRT, as abort\(\) raises it/);
    expect(machReason({ code: 10, flags: 0x0b000000, address: 0n, parameters: [] })).toMatchObject({
      name: 'EXC_CRASH',
      codeName: 'SIGSEGV',
    });
  });
});

describe('list streams padded after their count, as Breakpad’s mac client writes them', () => {
  /** The dump with its thread, module and memory lists moved to its end, 4 zero bytes after each count. */
  function padded(path: string, target: string): string {
    const bytes = readFileSync(path);
    const directory = bytes.readUInt32LE(12);
    const tail: Buffer[] = [];
    let end = bytes.length;
    for (let i = 0; i < bytes.readUInt32LE(8); i++) {
      const at = directory + i * 12;
      if (![3, 4, 5].includes(bytes.readUInt32LE(at))) continue;
      const [size, rva] = [bytes.readUInt32LE(at + 4), bytes.readUInt32LE(at + 8)];
      const stream = Buffer.concat([bytes.subarray(rva, rva + 4), Buffer.alloc(4), bytes.subarray(rva + 4, rva + size)]);
      bytes.writeUInt32LE(size + 4, at + 4);
      bytes.writeUInt32LE(end, at + 8);
      tail.push(stream);
      end += stream.length;
    }
    writeFileSync(target, Buffer.concat([bytes, ...tail]));
    return target;
  }

  it('reads the same threads, registers, stacks and modules as from the unpadded dump', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-padded-'));
    const scenario = windowsAmd64(join(dir, 'win64'));
    const plain = await readMinidump(scenario.dump);
    const mac = await readMinidump(padded(scenario.dump, join(dir, 'padded.dmp')));
    expect(mac.modules.map((m) => [m.path, m.debugId])).toEqual(plain.modules.map((m) => [m.path, m.debugId]));
    expect(mac.threads).toEqual(plain.threads);
    expect(mac.threads[0]?.registers.rip).toBe('0x7ff612341015');
    const walked = await walkMinidump(join(dir, 'padded.dmp'), mac.modules, new Map());
    expect(walked.stacks.get(4242)?.length).toBeGreaterThan(1);
  });

  it('gives an 8-byte build-id (lld’s default) a Breakpad debug id, zero-padded', async () => {
    expect(elfDebugId(Buffer.from('0123456789abcdef', 'hex'))).toBe('67452301AB89EFCD0000000000000000' + '0');
  });
});

describe('what reads a minidump, said and chosen', () => {
  it('refuses --debugger gdb on a minidump, saying what reads it, and says so in the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-dump-debugger-'));
    const scenario = windowsAmd64(join(dir, 'win64'));
    const refused = await crashwbAsync(['analyze', '--debugger', 'gdb', scenario.dump]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/is a minidump, which gdb cannot read: crashwb reads it with its own stack walker and lldb/);
    const read = await crashwbAsync(['analyze', scenario.dump, '--debug-dir', scenario.symbols]);
    expect(read.stdout).toMatch(/^ {2}dump .*win64\.dmp \(\d+ bytes\), read by crashwb's stack walker and lldb$/m);
  });
});

describe('STACK WIN programs as Breakpad tokenizes them', () => {
  it('reads an assignment glued to the next token (MSVC LTO’s "=$eip") as "=" and that token', () => {
    const memory = new Map<bigint, bigint>([
      [0x1000n, 0x2000n],
      [0x1004n, 0x401234n],
    ]);
    const context = {
      value: (name: string) => (name === 'ebp' ? 0x1000n : null),
      read: (address: bigint) => memory.get(address) ?? null,
      word: 4 as const,
    };
    const glued = runPostfix('$T0 $ebp = $eip $T0 4 + ^ =$ebp $T0 ^ =$esp $T0 8 + =', context);
    expect(glued?.assigned.get('eip')).toBe(0x401234n);
    expect(glued?.assigned.get('ebp')).toBe(0x2000n);
    expect(glued?.assigned.get('esp')).toBe(0x1008n);
    expect(runPostfix('$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =', context)?.assigned).toEqual(glued?.assigned);
  });
});
