import { plain, type CrashSource } from '../crash-input';
import { isElfCoreHead } from '../magic';
import { coredumpFacts } from '../systemd-coredump';

/** An ELF core, read where it is; named like systemd-coredump's, it also has that name's facts. */
export const elfCoreSource: CrashSource = {
  opens: 'core',
  name: 'core',
  detectFile: (head) => (isElfCoreHead(head) ? { kind: 'core' } : null),
  recognizeName: (name) => (name === 'core' || /^core[._-]/.test(name) || name.endsWith('.core') ? { kind: 'core', metadata: {} } : null),
  async open(path, shape) {
    const facts = await coredumpFacts(path);
    return { ...plain(shape, path), attributes: facts.attributes, timestamp: facts.timestamp };
  },
};
