import { plain, type CrashSource } from '../crash-input';
import { coredumpFacts } from '../systemd-coredump';

const ET_CORE = 4;

/** An ELF core, read where it is; named like systemd-coredump's, it also has that name's facts. */
export const elfCoreSource: CrashSource = {
  opens: 'core',
  name: 'core',
  detectFile: (head) =>
    head.length >= 18 && head.readUInt32BE(0) === 0x7f454c46 && head.readUInt16LE(16) === ET_CORE ? { kind: 'core' } : null,
  recognizeName: (name) => (name === 'core' || /^core[._-]/.test(name) || name.endsWith('.core') ? { kind: 'core', metadata: {} } : null),
  async open(path, shape) {
    const facts = await coredumpFacts(path);
    return { ...plain(shape, path), attributes: facts.attributes, timestamp: facts.timestamp };
  },
};
