import { homedir } from 'node:os';
import type { Redaction, RedactionRule, RedactionRules } from '../../shared/model';

export const DEFAULT_REDACTION: RedactionRules = {
  environment: true,
  secrets: true,
  homePaths: true,
  hostnames: false,
  ipAddresses: false,
  keys: [],
  patterns: [],
};

const REDACTED = '[redacted]';

/** Names that say their value is a secret: password, api_key, client-secret, X-Auth-Token, license.key … */
const SECRET_NAME =
  /pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth(?!or)|credential|cookie|session[_-]?id|signature|(?:^|[_.-])key$/i;

/** Secrets recognisable by their shape wherever they are, source lines included. */
const SHAPED_SECRETS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bsk_(?:live|test)_[A-Za-z0-9]{10,}\b/g,
  /\bAIza[0-9A-Za-z_-]{30,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
];
/** user:password@ in a URL; the scheme and host stay. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+:[^\s/@]+)@/gi;
const BEARER = /\b((?:Bearer|Basic|Token)\s+)([A-Za-z0-9._~+/-]{8,}=*)/g;
/** password=…, "token": "…" in prose, logs and attribute values (not in source code, where it would eat expressions). */
const ASSIGNED_SECRET =
  /\b([\w.-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential)s?)(["']?\s*[=:]\s*)(["']?)([^\s"'&;,[\]]+)/gi;
/** A string literal given to a secret-named variable in source: the literal goes, the code stays. */
const SOURCE_LITERAL_SECRET = /\b([\w.>-]*(?:password|passwd|secret|token|api_?key|private_?key)\w*\s*(?:=|:)\s*)(["'])([^"'\n]{4,})\2/gi;
const HOME = /(?<![\w.-])(?:\/home\/[^/\s:'"]+|\/Users\/[^/\s:'"]+|\/root(?=[/\s:'"]|$))/g;
const IPV4 = /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.])/g;
const IPV6 =
  /(?<![\w:])(?:(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|(?:[0-9a-fA-F]{1,4}:){1,6}:(?:[0-9a-fA-F]{1,4}:){0,5}[0-9a-fA-F]{0,4})(?![\w:])/g;
/** Attributes whose dotted numbers are versions, not addresses. */
const VERSION_KEY = /version|release|build/i;

/** A long random-looking word: mixed case and digits, not a hex digest. */
export function looksRandom(value: string): boolean {
  if (value.length < 20 || !/^[A-Za-z0-9+/_=.-]+$/.test(value) || /^[0-9a-fA-F]+$/.test(value)) return false;
  // A path is not a token, however random its temporary folder's name.
  if (/^[/.~]/.test(value)) return false;
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/\d/.test(value)) return false;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) entropy -= (n / value.length) * Math.log2(n / value.length);
  return entropy >= 3.5;
}

const isSecretName = (name: string): boolean => SECRET_NAME.test(name);

/** Attribute keys that name the machine a crash came from. */
export const isHostKey = (key: string): boolean => /^(?:host|hostname|nodename|node|uname\.nodename)$/i.test(key);

/** Checks rules from outside (settings, the UI, the CLI): patterns must compile and must not match nothing. */
export function checkRules(rules: RedactionRules): RedactionRules {
  compilePatterns(rules.patterns);
  return rules;
}

function compilePatterns(patterns: string[]): RegExp[] {
  return patterns.map((p) => {
    let re: RegExp;
    try {
      re = new RegExp(p, 'g');
    } catch (error) {
      throw new Error(`redaction pattern ${JSON.stringify(p)} is not a valid regular expression: ${(error as Error).message}`);
    }
    if (re.test('')) throw new Error(`redaction pattern ${JSON.stringify(p)} matches empty text; it would remove nothing and everything`);
    return re;
  });
}

type Kind = 'text' | 'source';

/**
 * Applies the rules to each piece of a report, field by field, and remembers what it took out.
 * The hostnames to hide are named up front (from the report's own attributes), so a host found
 * in a path or a note goes too.
 */
export class Redactor {
  private readonly removed = new Map<string, Redaction>();
  private readonly patterns: RegExp[];
  private readonly hostnames: RegExp | null;
  private readonly keys: Set<string>;
  private readonly home = homedir();

  constructor(
    private readonly rules: RedactionRules,
    hostnames: string[],
  ) {
    this.patterns = compilePatterns(rules.patterns);
    const hosts = [...new Set(hostnames.filter((h) => h.length >= 2))].sort((a, b) => b.length - a.length);
    this.hostnames =
      rules.hostnames && hosts.length
        ? new RegExp(`(?<![\\w.-])(?:${hosts.map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![\\w-])`, 'gi')
        : null;
    this.keys = new Set(rules.keys.map((k) => k.toLowerCase()));
  }

  private readonly aliases = new Map<string, string>();

  /**
   * The same host or address is the same stand-in throughout a report ([host-1], [ip-2]), so a
   * reader still sees how many there are and which crashes share one.
   */
  private alias(kind: 'host' | 'ip', value: string): string {
    const key = `${kind}\0${value.toLowerCase()}`;
    let alias = this.aliases.get(key);
    if (!alias) {
      alias = `[${kind}-${[...this.aliases.keys()].filter((k) => k.startsWith(`${kind}\0`)).length + 1}]`;
      this.aliases.set(key, alias);
    }
    return alias;
  }

  /** What was removed, the most frequent first. */
  list(): Redaction[] {
    return [...this.removed.values()].sort((a, b) => b.count - a.count || a.rule.localeCompare(b.rule));
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.removed.values()) out[r.rule] = (out[r.rule] ?? 0) + r.count;
    return out;
  }

  private note(rule: RedactionRule, where: string, text: string): void {
    const key = `${rule}\0${text}`;
    const known = this.removed.get(key);
    if (known) known.count++;
    else this.removed.set(key, { rule, where, text, count: 1 });
  }

  /** Replaces each match by what `by` says, noting what it removed; `by` returning null keeps the match. */
  private replace(text: string, re: RegExp, rule: RedactionRule, where: string, by: (m: string[]) => [string, string] | null): string {
    re.lastIndex = 0;
    return text.replace(re, (...args: unknown[]) => {
      const match = args.filter((a): a is string => typeof a === 'string' || a === undefined).map((a) => a ?? '');
      const whole = match[0] ?? '';
      const change = whole === '' ? null : by(match);
      if (!change) return whole;
      this.note(rule, where, change[0]);
      return change[1];
    });
  }

  /** Free text: notes, paths, attribute values, warnings; source lines with `kind` 'source'. */
  text(value: string, where: string, kind: Kind = 'text', options: { ips?: boolean } = {}): string {
    let out = value;
    for (const re of this.patterns) out = this.replace(out, re, 'pattern', where, (m) => [m[0] as string, REDACTED]);
    if (this.rules.secrets) {
      for (const re of SHAPED_SECRETS) out = this.replace(out, re, 'secret', where, (m) => [m[0] as string, REDACTED]);
      out = this.replace(out, URL_CREDENTIALS, 'secret', where, (m) => [m[2] as string, `${m[1]}${REDACTED}@`]);
      out = this.replace(out, BEARER, 'secret', where, (m) => [m[2] as string, `${m[1]}${REDACTED}`]);
      if (kind === 'text')
        out = this.replace(out, ASSIGNED_SECRET, 'secret', where, (m) => [m[4] as string, `${m[1]}${m[2]}${m[3]}${REDACTED}`]);
      else
        out = this.replace(out, SOURCE_LITERAL_SECRET, 'secret', where, (m) =>
          m[3] === REDACTED ? null : [m[3] as string, `${m[1]}${m[2]}${REDACTED}${m[2]}`],
        );
    }
    if (this.rules.homePaths) {
      if (this.home.length > 1 && !new RegExp(HOME.source).test(this.home)) out = this.literal(out, this.home, '~', 'home-path', where);
      out = this.replace(out, HOME, 'home-path', where, (m) => [m[0] as string, '~']);
    }
    if (this.hostnames)
      out = this.replace(out, this.hostnames, 'hostname', where, (m) => [m[0] as string, this.alias('host', m[0] as string)]);
    if (this.rules.ipAddresses && options.ips !== false) {
      out = this.replace(out, IPV4, 'ip-address', where, (m) => [m[0] as string, this.alias('ip', m[0] as string)]);
      out = this.replace(out, IPV6, 'ip-address', where, (m) =>
        /\d/.test(m[0] as string) ? [m[0] as string, this.alias('ip', m[0] as string)] : null,
      );
    }
    return out;
  }

  private literal(text: string, find: string, by: string, rule: RedactionRule, where: string): string {
    if (!text.includes(find)) return text;
    const parts = text.split(find);
    for (let i = 1; i < parts.length; i++) this.note(rule, where, find);
    return parts.join(by);
  }

  /** Function names: only the person's own patterns apply; nothing else hides in a symbol. */
  symbol(value: string, where: string): string {
    let out = value;
    for (const re of this.patterns) out = this.replace(out, re, 'pattern', where, (m) => [m[0] as string, REDACTED]);
    return out;
  }

  /** An attribute value: removed whole when its key names a secret or a configured key, or when it looks random. */
  attribute(key: string, value: string, where: string): string {
    if (this.keys.has(key.toLowerCase())) {
      this.note('key', where, value);
      return REDACTED;
    }
    if (this.rules.secrets && (isSecretName(key) || looksRandom(value))) {
      this.note('secret', where, value);
      return REDACTED;
    }
    if (this.hostnames && isHostKey(key) && value) {
      this.note('hostname', where, value);
      return this.alias('host', value);
    }
    return this.text(value, where, 'text', { ips: !VERSION_KEY.test(key) });
  }

  /** One NAME=value of the environment. */
  environment(entry: string, where: string): string {
    const at = entry.indexOf('=');
    const name = at > 0 ? entry.slice(0, at) : entry;
    const value = at > 0 ? entry.slice(at + 1) : '';
    if (this.rules.environment || this.keys.has(name.toLowerCase())) {
      if (value) this.note(this.rules.environment ? 'environment' : 'key', `${where} ${name}`, value);
      return `${name}=${value ? REDACTED : ''}`;
    }
    return `${name}=${this.attribute(name, value, `${where} ${name}`)}`;
  }

  /** A command line: the value after a secret-named flag, and random-looking arguments, go. */
  commandLine(line: string, where: string): string {
    if (!this.rules.secrets) return this.text(line, where);
    const words = line.split(/(\s+)/);
    for (let i = 0; i < words.length; i += 2) {
      const word = words[i] as string;
      const flag = /^(-{1,2}[\w.-]+)=(.+)$/.exec(word);
      if (flag && isSecretName(flag[1] as string)) {
        this.note('secret', where, flag[2] as string);
        words[i] = `${flag[1]}=${REDACTED}`;
      } else if (/^-{1,2}[\w.-]+$/.test(word) && isSecretName(word) && words[i + 2] !== undefined && !words[i + 2]?.startsWith('-')) {
        this.note('secret', where, words[i + 2] as string);
        words[i + 2] = REDACTED;
        i += 2;
      } else if (looksRandom(flag ? (flag[2] as string) : word)) {
        this.note('secret', where, word);
        words[i] = flag ? `${flag[1]}=${REDACTED}` : REDACTED;
      }
    }
    return this.text(words.join(''), where);
  }
}
