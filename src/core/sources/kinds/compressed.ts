import { plain, type CrashSource } from '../crash-input';
import { storeDecompressed } from '../decompress';
import { codecOf } from '../magic';
import { describeShape } from '../shape';
import { coredumpFacts } from '../systemd-coredump';

/** A core or minidump compressed with gzip, zstd, xz or lz4: decompressed into the store as a stream. */
export const compressedSource: CrashSource = {
  opens: 'compressed',
  name: 'compressed core',
  detectFile: (head) => {
    const codec = codecOf(head);
    return codec ? { kind: 'compressed', codec } : null;
  },
  recognizeName: (name) => (/\.(zst|lz4|xz|gz)$/.test(name) ? { kind: 'compressed core', metadata: {} } : null),
  async open(path, shape, storeDir, limits) {
    if (shape.kind !== 'compressed') throw new Error(`${path} is not compressed`);
    const stored = await storeDecompressed(path, storeDir, limits);
    const facts = await coredumpFacts(path);
    return {
      ...plain(shape, stored.path),
      origin: describeShape(shape, path),
      coreSha256: stored.sha256,
      stored: true,
      attributes: facts.attributes,
      timestamp: facts.timestamp,
    };
  },
};
