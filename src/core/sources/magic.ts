/** What a file's first bytes say it is, for the crash sources and for what decompresses to one. */

const ELF_MAGIC = 0x7f454c46;
const ET_CORE = 4;
const MINIDUMP_MAGIC = 0x504d444d;

export const isElfCoreHead = (head: Buffer): boolean =>
  head.length >= 18 && head.readUInt32BE(0) === ELF_MAGIC && head.readUInt16LE(16) === ET_CORE;

export const isMinidumpHead = (head: Buffer): boolean => head.length >= 4 && head.readUInt32LE(0) === MINIDUMP_MAGIC;

export type Codec = 'gzip' | 'zstd' | 'xz' | 'lz4';

const MAGIC: Array<[Codec, number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
];

/** The compression a file's first bytes announce, whatever its name says. */
export function codecOf(head: Buffer): Codec | null {
  return MAGIC.find(([, magic]) => magic.every((b, i) => head[i] === b))?.[0] ?? null;
}
