import { withoutCore, withStoredCore, type CrashSource } from '../crash-input';
import { readHandlerZip } from '../ibm-zip';

/** core-dump-handler's upload name: <uuid>-dump-<time>-<host>-<exe>-<pid>-<signal>.zip */
const HANDLER = /^([0-9a-f-]{36})-dump-(\d+)-(.+)-(.+?)-(\d+)-(\d+)\.zip$/;

/** IBM core-dump-handler's zip: the core, and pod, namespace, image and node from its JSON files. */
export const handlerZipSource: CrashSource = {
  opens: 'zip',
  name: 'core-dump-handler zip',
  detectFile: (head) => (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50 ? { kind: 'zip' } : null),
  recognizeName(name): { kind: string; metadata: Record<string, string> } | null {
    const handler = HANDLER.exec(name);
    if (!handler) return name.endsWith('.zip') ? { kind: 'zip', metadata: {} } : null;
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
  },
  async open(path, shape, storeDir, limits) {
    const zip = await readHandlerZip(path, storeDir, { maxTotalBytes: limits.maxCoreBytes, signal: limits.signal });
    const base = {
      shape,
      origin: 'core-dump-handler zip',
      attributes: zip.attributes,
      attachments: zip.attachments,
      timestamp: zip.timestamp,
    };
    if (zip.core) return withStoredCore(base, zip.core);
    return withoutCore(base, {
      signal: zip.signal,
      faultAddress: null,
      pid: zip.pid,
      executable: zip.executable,
      commandLine: '',
      threads: [],
      recordedBy: 'core-dump-handler',
    });
  },
};
