import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { attributeText, parseLenientJson } from './lenient-json';
import { readHead } from './read-head';

/** Files AppView/AppScope writes into /tmp/appview/<pid>/ (older: /tmp/appscope/<pid>/), each suffixed _<epoch>. */
export const SCOPE_PART = /^(info|cfg|backtrace|snapshot|core)_(\d+)$/;
/** The parts that make a folder an AppScope crash (a core_ or cfg_ alone does not). */
export const isScopeMarker = (name: string): boolean => /^(info|backtrace|snapshot)_\d+$/.test(name);
/** The parts that describe a crash, which identify one that came without a core. */
export const isScopeDescription = (name: string): boolean => /^(info|cfg|backtrace|snapshot)_\d+$/.test(name);
const MAX_TEXT = 1024 * 1024;

export interface ScopeCrash {
  /** The directory's core, when AppScope wrote one. */
  core: string | null;
  attributes: Record<string, string>;
  /** The backtrace file's text: the stack when there is no core. */
  backtrace: string | null;
  signal: number | null;
  faultAddress: string | null;
  reason: string | null;
  pid: number | null;
  processName: string | null;
  commandLine: string;
  timestamp: string | null;
  attachments: Array<{ name: string; text: string }>;
}

/** A directory is an AppScope crash when it holds a backtrace_, info_ or snapshot_ file. */
export async function isScopeCrashDir(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => []);
  return names.some(isScopeMarker);
}

const text = (path: string): Promise<string> => readHead(path, MAX_TEXT);

export async function readScopeCrash(dir: string): Promise<ScopeCrash> {
  const parts: Record<string, string> = {};
  const links: string[] = [];
  const special: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const name = entry.name;
    const m = SCOPE_PART.exec(name);
    if (m && entry.isSymbolicLink()) {
      links.push(name);
      continue;
    }
    // A FIFO, a device or a socket under a part's name would block or never end a read.
    if (m && !entry.isFile()) {
      special.push(name);
      continue;
    }
    // Several crashes of one pid: the newest epoch of each part wins.
    if (m?.[1] && (!parts[m[1]] || name > (parts[m[1]] ?? ''))) parts[m[1]] = join(dir, name);
  }
  const attributes: Record<string, string> = {};
  const skipped = [
    ...(links.length ? [`Not read, being symbolic links (a crash folder's files are never read through links): ${links.join(', ')}`] : []),
    ...(special.length ? [`Not read, not being regular files (a FIFO, a device or a socket): ${special.join(', ')}`] : []),
  ];
  const attachments: ScopeCrash['attachments'] = skipped.length ? [{ name: 'skipped', text: skipped.join('\n') }] : [];
  let signal: number | null = null;
  let faultAddress: string | null = null;
  let reason: string | null = null;
  let pid: number | null = null;
  let processName: string | null = null;
  let commandLine = '';
  let timestamp: string | null = null;

  if (parts.snapshot) {
    const snap = parseLenientJson(await text(parts.snapshot));
    const get = (key: string) => attributeText(snap[key]);
    for (const [key, attr] of [
      ['Hostname', 'hostname'],
      ['Version', 'scope.version'],
      ['Username', 'user'],
      ['Arch', 'uname.machine'],
      ['Kernel', 'uname.release'],
      ['ProcessName', 'application'],
      ['SignalHandler', 'scope.signal-handler'],
    ] as const) {
      const value = get(key);
      if (value) attributes[attr] = value;
    }
    signal = Number(get('SignalNumber')) || signal;
    pid = Number(get('Pid')) || pid;
    processName = get('ProcessName');
    const args = snap.ProcessArgs;
    commandLine = Array.isArray(args) ? args.map(String).join(' ') : (get('ProcessArgs') ?? '');
    const time = get('Time');
    if (time) timestamp = toIso(time);
  }
  if (parts.info) {
    const info = await text(parts.info);
    attachments.push({ name: 'info', text: info });
    for (const line of info.split('\n')) {
      // "Key: value", split at the first colon; a scan, since a pattern over a long line of spaces backtracks for seconds.
      const colon = line.indexOf(':');
      const key = line.slice(0, Math.max(0, colon)).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (colon < 0 || !key || !value) continue;
      if (key.includes('version') && !attributes['scope.version']) attributes['scope.version'] = value;
      else if (key === 'pid' && pid === null) pid = Number(value) || null;
      else if (key.includes('process name') && !processName) processName = value;
      else if (key.includes('time') && !timestamp) timestamp = toIso(value);
    }
  }
  if (parts.cfg) {
    const cfg = await text(parts.cfg);
    attachments.push({ name: 'cfg', text: cfg });
  }
  let backtrace: string | null = null;
  if (parts.backtrace) {
    backtrace = await text(parts.backtrace);
    attachments.push({ name: 'backtrace', text: backtrace });
    const lines = backtrace.split('\n').map((l) => l.trim());
    const at = lines.findIndex((l) => l.toLowerCase().startsWith('backtrace info:'));
    const header = at >= 0 ? scopeHeader(lines[at] as string) : null;
    if (header) {
      signal = header.signal;
      faultAddress = header.faultAddress;
    }
    reason = lines.slice(at + 1).find((l) => l && !l.startsWith('---')) ?? null;
  }
  if (processName && !attributes.application) attributes.application = processName;
  if (!timestamp && (parts.backtrace || parts.info)) {
    const epoch = Number(SCOPE_PART.exec((parts.backtrace ?? parts.info ?? '').split('/').pop() ?? '')?.[2]);
    timestamp = Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000).toISOString() : (await stat(dir)).mtime.toISOString();
  }
  return {
    core: parts.core ?? null,
    attributes,
    backtrace,
    signal,
    faultAddress,
    reason,
    pid,
    processName,
    commandLine,
    timestamp,
    attachments,
  };
}

/** "backtrace info: signal 11 errno 0 fault address 0x0" read word by word. */
function scopeHeader(line: string): { signal: number; faultAddress: string | null } | null {
  const words = line
    .slice('backtrace info:'.length)
    .trim()
    .split(/[ \t]+/);
  const [w0, sig, w2, errno, w4, w5, address] = words;
  if (w0?.toLowerCase() !== 'signal' || !/^\d{1,4}$/.test(sig ?? '') || w2?.toLowerCase() !== 'errno' || !/^-?\d{1,10}$/.test(errno ?? ''))
    return null;
  if (w4?.toLowerCase() !== 'fault' || w5?.toLowerCase() !== 'address' || !address) return null;
  if (address === '(nil)') return { signal: Number(sig), faultAddress: '0x0' };
  return /^0x[0-9a-f]{1,16}$/i.test(address) ? { signal: Number(sig), faultAddress: address } : null;
}

/** AppScope writes times as epoch seconds or as text dates. */
function toIso(value: string): string | null {
  const seconds = /^(\d{9,})(?:\s*sec)?/.exec(value.trim());
  if (seconds?.[1]) return new Date(Number(seconds[1]) * 1000).toISOString();
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}
