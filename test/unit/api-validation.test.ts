import { describe, expect, it } from 'vitest';
import { parseCall } from '../../src/shared/api';
import { sourceCandidates } from '../../src/core/source-files';

describe('validation of calls that cross a process boundary', () => {
  it('accepts a well-formed call', () => {
    expect(parseCall('openCore', [{ path: '/tmp/core', debugger: 'lldb' }])).toEqual({
      method: 'openCore',
      args: [{ path: '/tmp/core', debugger: 'lldb' }],
    });
  });

  it('refuses unknown methods, including inherited object keys', () => {
    expect(() => parseCall('close', [])).toThrow(/unknown method/);
    expect(() => parseCall('constructor', [])).toThrow(/unknown method/);
    expect(() => parseCall('__proto__', [])).toThrow(/unknown method/);
  });

  it('refuses relative paths, extra fields and wrong debuggers, naming the field', () => {
    expect(() => parseCall('openCore', [{ path: 'core' }])).toThrow(/openCore at 0.path: must be an absolute path/);
    expect(() => parseCall('openCore', [{ path: '/core', shell: 'rm -rf /' }])).toThrow(/invalid arguments for openCore/);
    expect(() => parseCall('openCore', [{ path: '/core', debugger: 'windbg' }])).toThrow(/debugger/);
    expect(() => parseCall('getCrash', ['../../etc/passwd'])).toThrow(/hex digest/);
  });
});

describe('source lookup', () => {
  it('tries the recorded path, then ever shorter tails under each source folder', () => {
    expect(sourceCandidates('/build/src/app/main.c', ['/home/me/app'])).toEqual([
      '/build/src/app/main.c',
      '/home/me/app/build/src/app/main.c',
      '/home/me/app/src/app/main.c',
      '/home/me/app/app/main.c',
      '/home/me/app/main.c',
    ]);
  });
});
