import { plain, type CrashSource } from '../crash-input';
import { coredumpFacts } from '../systemd-coredump';

/** A minidump (Breakpad, Crashpad, lldb), read where it is. */
export const minidumpSource: CrashSource = {
  opens: 'minidump',
  name: 'minidump',
  detectFile: (head) => (head.length >= 4 && head.readUInt32LE(0) === 0x504d444d ? { kind: 'minidump' } : null),
  recognizeName: (name) => (name.endsWith('.dmp') ? { kind: 'minidump', metadata: {} } : null),
  async open(path, shape) {
    const facts = await coredumpFacts(path);
    return { ...plain(shape, path), attributes: facts.attributes, timestamp: facts.timestamp };
  },
};
