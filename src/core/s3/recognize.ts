import { parseCoredumpName } from '../sources/systemd-coredump';

const HANDLER = /^([0-9a-f-]{36})-dump-(\d+)-(.+)-(.+?)-(\d+)-(\d+)\.zip$/;

/** What an object's name says about it before it is downloaded. */
export function recognizeKey(key: string): { kind: string | null; metadata: Record<string, string> } {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const handler = HANDLER.exec(name);
  if (handler) {
    const stamp = Number(handler[2]);
    const ms = stamp > 1e14 ? stamp / 1000 : stamp > 1e11 ? stamp : stamp * 1000;
    return {
      kind: 'core-dump-handler zip',
      metadata: {
        hostname: handler[3] ?? '',
        executable: handler[4] ?? '',
        pid: handler[5] ?? '',
        signal: handler[6] ?? '',
        time: new Date(ms).toISOString(),
      },
    };
  }
  const coredump = parseCoredumpName(name);
  if (coredump)
    return {
      kind: 'systemd-coredump',
      metadata: { executable: coredump.comm, pid: coredump.pid, uid: coredump.uid, time: coredump.timestamp },
    };
  const scope = /^(info|cfg|backtrace|snapshot|core)_\d+$/.exec(name);
  if (scope) return { kind: 'AppView crash folder', metadata: { part: scope[1] ?? '' } };
  if (name.endsWith('.crash'))
    return { kind: 'apport report', metadata: { executable: name.replace(/\.\d+\.crash$/, '').replace(/_/g, '/') } };
  if (name.endsWith('.dmp')) return { kind: 'minidump', metadata: {} };
  if (/\.(zst|lz4|xz|gz)$/.test(name)) return { kind: 'compressed core', metadata: {} };
  if (name === 'core' || /^core[._-]/.test(name) || name.endsWith('.core')) return { kind: 'core', metadata: {} };
  if (name.endsWith('.zip')) return { kind: 'zip', metadata: {} };
  return { kind: null, metadata: {} };
}
