import { describe, expect, it } from 'vitest';
import { fileName, frameLabel, shownAddress } from '../../src/shared/frame-label';

describe('a file name shown for a path', () => {
  it('is the last part whichever platform wrote the path', () => {
    expect(fileName('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('libc.so.6');
    expect(fileName('C:\\test_app\\test_app.exe')).toBe('test_app.exe');
    expect(fileName('plain')).toBe('plain');
  });
});

describe('a frame shown without a function name', () => {
  const frame = { address: '0x7ffb00001234', function: null, module: 'C:\\Windows\\System32\\kernel32.dll' };
  it('reads module + offset, from the kept offset or the module’s base, never a bare address', () => {
    expect(frameLabel({ ...frame, moduleOffset: '0x1234' })).toBe('kernel32.dll + 0x1234');
    expect(frameLabel(frame, [{ path: 'C:\\Windows\\System32\\kernel32.dll', start: '0x7ffb00000000' }])).toBe('kernel32.dll + 0x1234');
    expect(frameLabel({ ...frame, function: 'CreateFileW' })).toBe('CreateFileW');
    expect(frameLabel({ ...frame, module: null })).toBe('0x7ffb00001234');
  });
});

describe('a frame’s address as shown', () => {
  const frame = { address: '0x0', function: 'parse' as string | null };
  it('is left out where the recorder gave none, as a JavaScript frame of a Node.js report', () => {
    expect(shownAddress(frame)).toBe('');
  });
  it('stays 0x0 for a call through a NULL pointer, which has no function, and is the address otherwise', () => {
    expect(shownAddress({ ...frame, function: null })).toBe('0x0');
    expect(shownAddress({ address: '0x401136', function: 'parse' })).toBe('0x401136');
  });
});
