import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import type { CrashSource } from './crash-input';

/** core.<comm>.<uid>.<boot-id>.<pid>.<usec>[.zst|.lz4|.xz] — comm may itself contain dots. */
const NAME = /^core\.(.+)\.(\d+)\.([0-9a-f]{32})\.(\d+)\.(\d+)(?:\.(zst|lz4|xz))?$/;

export interface CoredumpName {
  comm: string;
  uid: string;
  bootId: string;
  pid: string;
  /** When the process died, from the name's microseconds since the epoch. */
  timestamp: string;
}

export function parseCoredumpName(path: string): CoredumpName | null {
  const m = NAME.exec(basename(path));
  if (!m) return null;
  const usec = BigInt(m[5] ?? '0');
  return {
    comm: m[1] ?? '',
    uid: m[2] ?? '',
    bootId: m[3] ?? '',
    pid: m[4] ?? '',
    timestamp: new Date(Number(usec / 1000n)).toISOString(),
  };
}

/**
 * systemd-coredump's metadata in the file's `user.coredump.*` extended attributes (pid, uid,
 * signal, timestamp, comm, exe, hostname …), read with getfattr. A file without them, or a
 * machine without getfattr, gives none.
 */
export function readCoredumpXattrs(path: string): Promise<Record<string, string>> {
  return new Promise((resolve) => {
    const child = spawn('getfattr', ['--absolute-names', '-d', '-m', '^user\\.coredump\\.', '-e', 'text', path], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', () => resolve({}));
    child.on('close', () => {
      const attributes: Record<string, string> = {};
      for (const line of out.split('\n')) {
        const m = /^user\.coredump\.([\w.-]+)="(.*)"$/.exec(line);
        if (m?.[1]) attributes[m[1]] = (m[2] ?? '').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      }
      resolve(attributes);
    });
  });
}

/** systemd-coredump's name and extended attributes, for a file named like its cores. */
export async function coredumpFacts(path: string): Promise<{ attributes: Record<string, string>; timestamp: string | null }> {
  const name = parseCoredumpName(path);
  if (!name) return { attributes: {}, timestamp: null };
  const xattrs = await readCoredumpXattrs(path);
  const attributes: Record<string, string> = {
    application: xattrs.comm ?? name.comm,
    'coredump.boot-id': name.bootId,
    'coredump.uid': xattrs.uid ?? name.uid,
  };
  if (xattrs.hostname) attributes.hostname = xattrs.hostname;
  if (xattrs.exe) attributes['coredump.exe'] = xattrs.exe;
  if (xattrs.signal) attributes['coredump.signal'] = xattrs.signal;
  const usec = xattrs.timestamp && /^\d+$/.test(xattrs.timestamp) ? new Date(Number(BigInt(xattrs.timestamp) / 1000n)).toISOString() : null;
  return { attributes, timestamp: usec ?? name.timestamp };
}

/** systemd-coredump's files are cores or compressed cores: its name is what it adds, for listings. */
export const systemdCoredumpSource: CrashSource = {
  name: 'systemd-coredump',
  recognizeName(name) {
    const coredump = parseCoredumpName(name);
    return coredump
      ? {
          kind: 'systemd-coredump',
          metadata: { executable: coredump.comm, pid: coredump.pid, uid: coredump.uid, time: coredump.timestamp },
        }
      : null;
  },
};
