import { describe, expect, it } from 'vitest';
import { fileName } from '../../src/renderer/src/widgets/file-name';

describe('a file name shown for a path', () => {
  it('is the last part whichever platform wrote the path', () => {
    expect(fileName('/usr/lib/x86_64-linux-gnu/libc.so.6')).toBe('libc.so.6');
    expect(fileName('C:\\test_app\\test_app.exe')).toBe('test_app.exe');
    expect(fileName('plain')).toBe('plain');
  });
});
