import { describe, expect, it } from 'vitest';
import { describeSignal } from '../../src/core/elf/signals';

const base = { senderPid: null, stackPointer: null, pid: 100 };

describe('signal explanations', () => {
  it('calls a fault at 0x0 a NULL pointer dereference', () => {
    const s = describeSignal({ ...base, signo: 11, code: 1, faultAddress: 0n });
    expect(s).toMatchObject({ name: 'SIGSEGV', codeName: 'SEGV_MAPERR', faultAddress: '0x0' });
    expect(s.explanation).toBe('SIGSEGV at 0x0: address not mapped — a NULL pointer dereference');
  });

  it('names the field offset for small non-zero addresses', () => {
    expect(describeSignal({ ...base, signo: 11, code: 1, faultAddress: 0x18n }).explanation).toMatch(
      /NULL pointer dereference \(a field 0x18 bytes/,
    );
  });

  it('recognises a stack overflow by the distance to the stack pointer', () => {
    const s = describeSignal({ ...base, signo: 11, code: 2, faultAddress: 0x7ffc0000fff8n, stackPointer: 0x7ffc00010000n });
    expect(s.explanation).toMatch(/stack overflow/);
  });

  it('tells a self-inflicted abort from one sent by another process', () => {
    const own = describeSignal({ ...base, signo: 6, code: -6, faultAddress: null, senderPid: 100 });
    expect(own.codeName).toBe('SI_TKILL');
    expect(own.explanation).toMatch(/aborted itself/);
    const other = describeSignal({ ...base, signo: 6, code: 0, faultAddress: null, senderPid: 4242 });
    expect(other.explanation).toMatch(/sent by another process \(pid 4242\)/);
  });

  it('explains divide by zero and illegal instructions', () => {
    expect(describeSignal({ ...base, signo: 8, code: 1, faultAddress: 0x401000n }).explanation).toMatch(/integer divide by zero/);
    expect(describeSignal({ ...base, signo: 4, code: 1, faultAddress: 0x401000n }).explanation).toMatch(/illegal opcode/);
  });

  it('falls back to a numbered name for unknown signals', () => {
    expect(describeSignal({ ...base, signo: 40, code: 0, faultAddress: null }).name).toBe('SIG40');
  });
});
