import { plain, type CrashSource } from '../crash-input';
import { isMinidumpHead } from '../magic';
import { coredumpFacts } from '../systemd-coredump';

/** A minidump (Breakpad, Crashpad, lldb), read where it is. */
export const minidumpSource: CrashSource = {
  opens: 'minidump',
  name: 'minidump',
  detectFile: (head) => (isMinidumpHead(head) ? { kind: 'minidump' } : null),
  recognizeName: (name) => (name.endsWith('.dmp') ? { kind: 'minidump', metadata: {} } : null),
  async open(path, shape) {
    const facts = await coredumpFacts(path);
    return { ...plain(shape, path), attributes: facts.attributes, timestamp: facts.timestamp };
  },
};
