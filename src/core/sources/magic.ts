/** What a file's first bytes say it is, for the crash sources and for what decompresses to one. */

const ELF_MAGIC = 0x7f454c46;
const ET_CORE = 4;
const MINIDUMP_MAGIC = 0x504d444d;

export const isElfCoreHead = (head: Buffer): boolean =>
  head.length >= 18 && head.readUInt32BE(0) === ELF_MAGIC && head.readUInt16LE(16) === ET_CORE;

export const isMinidumpHead = (head: Buffer): boolean => head.length >= 4 && head.readUInt32LE(0) === MINIDUMP_MAGIC;
