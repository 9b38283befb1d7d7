import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const crashwb = (...args: string[]) =>
  execFileSync(process.execPath, [join(process.cwd(), 'bin', 'crashwb.cjs'), ...args], { encoding: 'utf8' });

describe('crashwb install-handler', () => {
  // The real /proc/sys/kernel/core_pattern stays untouched: the tests' own cores depend on it.
  const dir = mkdtempSync(join(tmpdir(), 'crashwb-handler-'));
  const pattern = join(dir, 'core_pattern');
  const saved = join(dir, 'saved');
  const files = ['--core-pattern-file', pattern, '--saved-file', saved];

  it('shows the pipe line with absolute paths and the kernel specifiers', () => {
    const out = crashwb('install-handler', '--server', 'http://10.0.0.5:8088', '--token', 'T', '--spool', '/var/spool/crashwb');
    expect(out).toMatch(
      /^\|\/\S+node\S* \/\S+\/bin\/crashwb\.cjs upload --server http:\/\/10\.0\.0\.5:8088 --token T --spool \/var\/spool\/crashwb %p %e %t %s %h$/m,
    );
  });

  it('says which runtime settings make a core at all: ulimit, Node.js, Go', () => {
    const out = crashwb('install-handler', '--server', 'http://10.0.0.5:8088', '--token-file', '/etc/crashwb/token');
    expect(out).toMatch(/ulimit -c unlimited/);
    expect(out).toMatch(/node --abort-on-uncaught-exception/);
    expect(out).toMatch(/GOTRACEBACK=crash/);
  });

  it('names a token file instead of the token, since every user can read core_pattern', () => {
    const out = crashwb('install-handler', '--server', 'http://h:1', '--token-file', '/etc/crashwb/token', '--spool', '/s');
    expect(out).toMatch(/ upload --server http:\/\/h:1 --token-file \/etc\/crashwb\/token --spool \/s %p/);
    expect(out).not.toMatch(/--token /);
  });

  it('points the line at a capture configuration file, checked first, which keeps it short', () => {
    const config = join(dir, 'capture.json');
    writeFileSync(config, JSON.stringify({ server: 'http://h:1', tokenFile: '/etc/crashwb/token', snapshot: true, core: 'unseen' }));
    expect(crashwb('install-handler', '--config', config)).toMatch(new RegExp(` upload --config ${config} %p %e %t %s %h$`, 'm'));
    writeFileSync(config, JSON.stringify({ server: 'http://h:1', tokenFile: '/t', snapshot: 'yes' }));
    expect(() => crashwb('install-handler', '--config', config)).toThrow(/capture\.json: snapshot: /);
  });

  it('sets it with --apply, keeping the previous pattern, and --uninstall puts that back', () => {
    writeFileSync(pattern, 'core\n');
    crashwb('install-handler', '--server', 'http://h:1', '--token', 'T', '--spool', '/s', '--apply', ...files);
    expect(readFileSync(pattern, 'utf8')).toMatch(/^\|.* upload --server http:\/\/h:1 --token T --spool \/s %p %e %t %s %h\n$/);
    expect(readFileSync(saved, 'utf8')).toBe('core\n');
    // Applying again does not save our own line as "the previous one".
    crashwb('install-handler', '--server', 'http://h:1', '--token', 'T', '--spool', '/s', '--apply', ...files);
    expect(readFileSync(saved, 'utf8')).toBe('core\n');
    crashwb('install-handler', '--uninstall', ...files);
    expect(readFileSync(pattern, 'utf8')).toBe('core\n');
    expect(existsSync(saved)).toBe(false);
  });
});
