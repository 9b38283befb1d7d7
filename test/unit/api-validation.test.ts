import { describe, expect, it } from 'vitest';
import { parseCall } from '../../src/shared/api';
import { sourceCandidates } from '../../src/core/services/source-files';

describe('validation of calls that cross a process boundary', () => {
  it('accepts a well-formed call', () => {
    expect(parseCall('openCore', [{ path: '/tmp/core', debugger: 'lldb' }])).toEqual({
      method: 'openCore',
      args: [{ path: '/tmp/core', debugger: 'lldb' }],
    });
  });

  it('takes the variable handles of both debuggers, and none that could carry a command', () => {
    const session = '6d9a2b4e-5f3c-4e1a-9b7d-2c8e0f1a3b5d';
    for (const id of [
      'var1',
      'var12.cfg.name',
      'lldb:1:0:p',
      'lldb:3:2:job->result',
      'lldb:1:0:items[2].next',
      'lldb:1:1:std::vector<int>',
    ]) {
      expect(parseCall('expandVariable', [session, id]).args[1]).toBe(id);
    }
    for (const id of ['lldb:1:0:p\nplatform shell touch x', 'lldb:1:0:`expr`', 'lldb:1:0:a b', 'lldb:x:0:p', 'var1; rm']) {
      expect(() => parseCall('expandVariable', [session, id])).toThrow(/not a variable handle/);
    }
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

  it('takes only reporter+http(s) sources, and tokens without spaces or control characters', () => {
    expect(parseCall('syncReporter', [{ url: 'reporter+http://127.0.0.1:8088', token: 'abc' }]).method).toBe('syncReporter');
    expect(() => parseCall('syncReporter', [{ url: 'http://127.0.0.1:8088' }])).toThrow(/reporter\+http\(s\):\/\/HOST:PORT/);
    expect(() => parseCall('syncReporter', [{ url: 'reporter+file:///etc/passwd' }])).toThrow(/reporter\+http/);
    expect(() => parseCall('saveReporterSource', ['reporter+http://h:1', 'a b\n'])).toThrow(/printable characters without spaces/);
  });

  it('takes exports of a crash or a group in the four formats, with complete redaction rules', () => {
    const crash = { kind: 'crash', id: 'ab'.repeat(32) };
    expect(parseCall('exportReport', [{ target: crash, format: 'pdf', redact: true }]).method).toBe('exportReport');
    expect(() => parseCall('exportReport', [{ target: crash, format: 'docx', redact: true }])).toThrow(/format/);
    expect(() => parseCall('exportReport', [{ target: { kind: 'group', id: 'x' }, format: 'md', redact: true }])).toThrow(/target/);
    expect(() => parseCall('previewExport', [{ target: crash, format: 'md', redact: true, rules: { secrets: false } }])).toThrow(/rules/);
    expect(() =>
      parseCall('saveRedactionRules', [
        { environment: true, secrets: true, homePaths: true, hostnames: false, ipAddresses: false, keys: [], patterns: [], extra: 1 },
      ]),
    ).toThrow(/invalid arguments for saveRedactionRules/);
  });

  it('takes only http(s) ticket links on group notes, and bounded trend windows', () => {
    expect(parseCall('setGroupNotes', [1, { text: 'x', ticket: 'https://t/1' }]).method).toBe('setGroupNotes');
    expect(parseCall('setGroupNotes', [1, { text: 'x', ticket: null }]).method).toBe('setGroupNotes');
    expect(() => parseCall('setGroupNotes', [1, { text: 'x', ticket: 'javascript:alert(1)' }])).toThrow(/an http\(s\) link/);
    expect(() => parseCall('getTrends', [{}, 0])).toThrow(/getTrends/);
    expect(() => parseCall('getTrends', [{}, 10_000])).toThrow(/getTrends/);
    expect(() => parseCall('compareCrashes', ['ab'.repeat(32), 'not-an-id'])).toThrow(/hex digest/);
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

  it('tries the executable’s build-path mappings before anything else, and only for paths under them', () => {
    const mappings = [{ from: '/build/src/', to: '/home/me/checkout' }];
    expect(sourceCandidates('/build/src/app/main.c', [], mappings)).toEqual(['/home/me/checkout/app/main.c', '/build/src/app/main.c']);
    expect(sourceCandidates('/build/srcx/main.c', [], mappings)).toEqual(['/build/srcx/main.c']);
  });

  it('finds a Windows build’s sources under the source folders and mappings, whatever its separators', () => {
    expect(sourceCandidates('c:\\test_app\\src\\main.cc', ['/home/me/app'])).toEqual([
      '/home/me/app/c:/test_app/src/main.cc',
      '/home/me/app/test_app/src/main.cc',
      '/home/me/app/src/main.cc',
      '/home/me/app/main.cc',
    ]);
    expect(sourceCandidates('c:\\test_app\\src\\main.cc', [], [{ from: 'c:\\test_app', to: '/home/me/checkout' }])).toEqual([
      '/home/me/checkout/src/main.cc',
    ]);
    // The recorded executable of a Windows dump is the key its source mappings are kept under.
    expect(() => parseCall('readSource', ['c:\\test_app\\main.cc', 'C:\\test_app\\test_app.exe', null])).not.toThrow();
  });

  it('lets the memory view evaluate addresses, registers and fields, but no convenience functions', () => {
    const id = '123e4567-e89b-42d3-a456-426614174000';
    for (const expression of ['$sp', '0x7ffd1000', 'job->result', '&buf[4]', '*(char **)($rsp + 8)']) {
      expect(() => parseCall('readMemory', [id, 1, 0, expression, 64])).not.toThrow();
    }
    expect(() => parseCall('readMemory', [id, 1, 0, '$_shell("id")', 64])).toThrow(/readMemory/);
    expect(() => parseCall('readMemory', [id, 1, 0, 'x; shell id', 64])).toThrow(/simple expression/);
    expect(() => parseCall('readMemory', [id, 1, 0, '$sp', 1 << 20])).toThrow(/readMemory/);
  });
});
