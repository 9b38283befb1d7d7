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
  /-----BEGIN [A-Z ]{0,40}(?:PRIVATE KEY|PRIVATE KEY BLOCK)-----[\s\S]*?(?:-----END [A-Z ]{0,40}-----|$)/g,
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g,
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
  /\b([\w.-]{0,64}(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|account[_-]?key|private[_-]?key|credential)s?)(["']?[ \t]{0,16}[=:][ \t]{0,16})(["']?)([^\s"'&;,[\]]+)/gi;
/** A .netrc's (or a prose) "password VALUE". */
const NETRC_PASSWORD = /\b(password|passwd|account)([ \t]+)([^\s=:]\S*)/gi;
/** A shadow line's hash: user:$6$salt$hash:… (yescrypt, sha512, bcrypt, md5 …). */
const SHADOW_HASH = /(^|\n)([a-z_][a-z0-9_.-]{0,63}:)(\$[0-9a-z]{1,4}\$[^:\n]{1,512})(?=:)/gi;
/** Azure connection strings: AccountKey=…; SharedAccessKey=…; sig=… */
const AZURE_KEY = /\b(AccountKey|SharedAccessKey|SharedAccessSignature|sig)=([^;&\s]{8,})/g;
/** A line that is nothing but base64, as a PEM body's lines are: the key even when its BEGIN line is out of view. */
const BASE64_LINE = /^[ \t]*[A-Za-z0-9+/]{40,}={0,2}[ \t]*$/;
/** NAME=value, as environment blocks (/proc/PID/environ, env output) are made of. */
const ENV_ENTRY = /^([A-Z_][A-Z0-9_]{0,127})=(.*)$/;
/** A run of this many NAME=value lines is an environment block. */
const ENV_BLOCK = 3;
/** A string literal given to a secret-named variable in source: the literal goes, the code stays. */
const SOURCE_LITERAL_SECRET =
  /\b([\w.>-]{0,64}(?:password|passwd|secret|token|api_?key|private_?key)\w{0,64}[ \t]{0,16}(?:=|:)[ \t]{0,16})(["'])([^"'\n]{4,})\2/gi;
/** A line of source that reads as configuration (key = value), not code, which ends in ; { } , or ). */
const CONFIG_LINE = (line: string): boolean => !/[;{},)]\s*$/.test(line) && !line.includes('(');
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

/** Stands in for a secret, one stand-in a line, so a block keeps its line count. */
const keepLines = (secret: string): string =>
  secret
    .split('\n')
    .map(() => REDACTED)
    .join('\n');

const mapLines = (text: string, each: (line: string) => string): string => text.split('\n').map(each).join('\n');

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

  /**
   * @param known secrets found beforehand in the report's texts (by the maintained rules of
   *   `maintained-secrets.ts`), removed wherever they appear
   */
  constructor(
    private readonly rules: RedactionRules,
    hostnames: string[],
    private readonly known: string[] = [],
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
    if (this.rules.secrets) out = this.secrets(out, where, kind);
    if (this.rules.environment) out = this.environmentBlocks(out, where);
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

  /** Secrets by their shape, by the name they are given, and those the maintained rules found in the report. */
  private secrets(value: string, where: string, kind: Kind): string {
    let out = value;
    // A block keeps its line count: a source snippet's lines stay beside their numbers.
    for (const re of SHAPED_SECRETS) out = this.replace(out, re, 'secret', where, (m) => [m[0] as string, keepLines(m[0] as string)]);
    out = this.replace(out, URL_CREDENTIALS, 'secret', where, (m) => [m[2] as string, `${m[1]}${REDACTED}@`]);
    out = this.replace(out, BEARER, 'secret', where, (m) => [m[2] as string, `${m[1]}${REDACTED}`]);
    out = this.replace(out, AZURE_KEY, 'secret', where, (m) => [m[2] as string, `${m[1]}=${REDACTED}`]);
    out = this.replace(out, SHADOW_HASH, 'secret', where, (m) => [m[3] as string, `${m[1]}${m[2]}${REDACTED}`]);
    const assigned = (text: string): string => {
      const named = this.replace(text, ASSIGNED_SECRET, 'secret', where, (m) =>
        m[4] === REDACTED ? null : [m[4] as string, `${m[1]}${m[2]}${m[3]}${REDACTED}`],
      );
      return this.replace(named, NETRC_PASSWORD, 'secret', where, (m) =>
        m[3] === REDACTED ? null : [m[3] as string, `${m[1]}${m[2]}${REDACTED}`],
      );
    };
    if (kind === 'text') out = assigned(out);
    else {
      out = this.replace(out, SOURCE_LITERAL_SECRET, 'secret', where, (m) =>
        m[3] === REDACTED ? null : [m[3] as string, `${m[1]}${m[2]}${REDACTED}${m[2]}`],
      );
      // Lines of configuration (a .env, an .ini, credentials) are read as text; lines of code are not.
      out = mapLines(out, (line) => {
        if (BASE64_LINE.test(line) && /[a-z]/.test(line) && /[A-Z]/.test(line)) {
          this.note('secret', where, line.trim());
          return REDACTED;
        }
        return CONFIG_LINE(line) ? assigned(line) : line;
      });
    }
    for (const secret of this.known) out = this.literal(out, secret, keepLines(secret), 'secret', where);
    return out;
  }

  /** Runs of NAME=value lines (an environment's dump, /proc/PID/environ split at its NULs): the values go. */
  private environmentBlocks(value: string, where: string): string {
    const parts = value.split(/(\n|\0)/);
    const entries = parts.map((p, i) => (i % 2 === 0 ? ENV_ENTRY.exec(p) : null));
    for (let i = 0; i < parts.length; i += 2) {
      let end = i;
      while (end < parts.length && entries[end]) end += 2;
      if ((end - i) / 2 >= ENV_BLOCK) {
        for (let j = i; j < end; j += 2) {
          const [, name, val] = entries[j] as RegExpExecArray;
          if (!val || val === REDACTED) continue;
          this.note('environment', `${where} ${name}`, val);
          parts[j] = `${name}=${REDACTED}`;
        }
      }
      i = Math.max(i, end - 2);
    }
    return parts.join('');
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
