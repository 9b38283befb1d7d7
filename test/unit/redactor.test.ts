import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACTION, Redactor, checkRules, looksRandom } from '../../src/core/report/redactor';
import type { RedactionRules } from '../../src/shared/model';

const rules = (change: Partial<RedactionRules> = {}): RedactionRules => ({ ...DEFAULT_REDACTION, ...change });

describe('redaction rules', () => {
  it('removes the value after a secret-named flag, in both spellings, and keeps the rest of the command line', () => {
    const r = new Redactor(rules(), []);
    expect(r.commandLine('/usr/bin/svc --port 80 --db-password=hunter22 --api-key abc123 -v', 'cmd')).toBe(
      '/usr/bin/svc --port 80 --db-password=[redacted] --api-key [redacted] -v',
    );
    expect(r.list().map((x) => x.text)).toEqual(expect.arrayContaining(['hunter22', 'abc123']));
  });

  it('removes random-looking arguments and attribute values but not paths, digests or words', () => {
    expect(looksRandom('sk9Qk2LmP0aB7cD4eF6gH8jK')).toBe(true);
    expect(looksRandom('/tmp/crashwb-export-Bh9E8P/leakyProgram1')).toBe(false);
    expect(looksRandom('93ac61ec5a8eb1396f9fbd350e3169a558528a40')).toBe(false);
    expect(looksRandom('configuration-file-name')).toBe(false);
    const r = new Redactor(rules(), []);
    expect(r.attribute('session', 'Zx9Qk2LmP0aB7cD4eF6gH8jK', 'attr')).toBe('[redacted]');
    expect(r.attribute('pod', 'web-7d9f8-abcde', 'attr')).toBe('web-7d9f8-abcde');
  });

  it('removes attribute values whose keys name secrets or are configured, whatever the value', () => {
    const r = new Redactor(rules({ keys: ['customer'] }), []);
    expect(r.attribute('DB_PASSWORD', 'x', 'a')).toBe('[redacted]');
    expect(r.attribute('auth_token', 'short', 'a')).toBe('[redacted]');
    expect(r.attribute('author', 'Ada', 'a')).toBe('Ada');
    expect(r.attribute('Customer', 'ACME Corp', 'a')).toBe('[redacted]');
    expect(r.list().find((x) => x.text === 'ACME Corp')?.rule).toBe('key');
  });

  it('finds secrets by their shape in any text: URL credentials, cloud keys, tokens, JWTs, private keys, bearer headers', () => {
    const r = new Redactor(rules(), []);
    const text = [
      'db at postgres://svc:s3cret@db.internal:5432/app',
      'key AKIAIOSFODNN7EXAMPLE',
      'gh ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
      'Authorization: Bearer abcdefghijkl.mnop',
      'password: letmein99',
    ].join('\n');
    const out = r.text(text, 'notes');
    for (const secret of ['s3cret', 'AKIAIOSFODNN7EXAMPLE', 'ghp_', 'eyJhbGci', 'MIIEow', 'abcdefghijkl.mnop', 'letmein99'])
      expect(out).not.toContain(secret);
    expect(out).toContain('postgres://[redacted]@db.internal:5432/app');
    expect(out).toContain('password: [redacted]');
  });

  it('leaves source lines readable: assignments to secret-named variables are code, not secrets', () => {
    const r = new Redactor(rules(), []);
    const line = '  if (token == NULL) password = read_password(fd);';
    expect(r.text(line, 'src', 'source')).toBe(line);
    expect(r.text('  key = "AKIAIOSFODNN7EXAMPLE";', 'src', 'source')).toBe('  key = "[redacted]";');
    expect(r.text('  const char *db_password = "hunter2!";', 'src', 'source')).toBe('  const char *db_password = "[redacted]";');
    expect(r.text('  cfg->api_key = "";', 'src', 'source')).toBe('  cfg->api_key = "";');
  });

  it('turns home folders into ~ but leaves other folders named root or home alone', () => {
    const r = new Redactor(rules(), []);
    expect(r.text('/home/alice/src/a.c /Users/bob/x /root/.cache /srv/root/data /opt/home/y', 'path')).toBe(
      '~/src/a.c ~/x ~/.cache /srv/root/data /opt/home/y',
    );
    if (homedir().length > 1) expect(r.text(`${homedir()}/work/a.c`, 'path')).toBe('~/work/a.c');
  });

  it('removes hostnames and IP addresses only when asked, and never a version that looks like an address', () => {
    const off = new Redactor(rules(), ['build-7']);
    expect(off.text('seen on build-7 at 10.1.2.3', 't')).toBe('seen on build-7 at 10.1.2.3');
    const on = new Redactor(rules({ hostnames: true, ipAddresses: true }), ['build-7']);
    expect(on.text('seen on build-7 at 10.1.2.3 and fe80::1ff:fe23:4567:890a, not build-77', 't')).toBe(
      'seen on [host-1] at [ip-1] and [ip-2], not build-77',
    );
    expect(on.attribute('hostname', 'other-host', 'a')).toBe('[host-2]');
    expect(on.attribute('hostname', 'BUILD-7', 'a')).toBe('[host-1]');
    expect(on.text('again 10.1.2.3', 't')).toBe('again [ip-1]');
    expect(on.attribute('version', '1.2.3.4', 'a')).toBe('1.2.3.4');
    expect(on.text('std::vector::at', 't')).toBe('std::vector::at');
  });

  it('keeps environment names and drops their values, or only the secret ones when the environment rule is off', () => {
    const all = new Redactor(rules(), []);
    expect(all.environment('LANG=C.UTF-8', 'env')).toBe('LANG=[redacted]');
    const some = new Redactor(rules({ environment: false }), []);
    expect(some.environment('LANG=C.UTF-8', 'env')).toBe('LANG=C.UTF-8');
    expect(some.environment('GITHUB_TOKEN=abc', 'env')).toBe('GITHUB_TOKEN=[redacted]');
  });

  it('applies the person’s own patterns everywhere, symbols included, and refuses patterns that cannot work', () => {
    const r = new Redactor(rules({ patterns: ['ACME-\\d+'] }), []);
    expect(r.symbol('handle_ACME-42_order', 'f')).toBe('handle_[redacted]_order');
    expect(r.text('ticket ACME-7', 't')).toBe('ticket [redacted]');
    expect(() => checkRules(rules({ patterns: ['(a'] }))).toThrow(/not a valid regular expression/);
    expect(() => checkRules(rules({ patterns: ['x*'] }))).toThrow(/matches empty text/);
  });

  it('counts each removed text once with the number of places it was in', () => {
    const r = new Redactor(rules(), []);
    r.text('/home/alice/a.c', 'frame 0');
    r.text('/home/alice/b.c', 'frame 1');
    expect(r.list()).toEqual([{ rule: 'home-path', where: 'frame 0', text: '/home/alice', count: 2 }]);
    expect(r.counts()).toEqual({ 'home-path': 2 });
  });
});
