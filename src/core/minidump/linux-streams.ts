import type { Streams } from './minidump-streams';

/** Breakpad's Linux streams: copies of files from /proc and /etc as they were when the process died. */
const LINUX_FILES = [
  { type: 0x47670004, name: 'proc-status', what: 'process status' },
  { type: 0x47670005, name: 'lsb-release', what: 'LSB release' },
  { type: 0x47670003, name: 'cpuinfo', what: 'CPU info' },
  { type: 0x47670009, name: 'maps', what: 'memory maps' },
] as const;
const LINUX_AUXV = 0x47670008;
/** No /proc file a dump copies is this long; past it the text is cut, and says so. */
const MAX_TEXT = 4 << 20;

/** auxv types as the kernel names them (linux/auxvec.h), for the auxv attachment. */
const AUXV_NAMES: Record<number, string> = {
  3: 'AT_PHDR',
  4: 'AT_PHENT',
  5: 'AT_PHNUM',
  6: 'AT_PAGESZ',
  7: 'AT_BASE',
  8: 'AT_FLAGS',
  9: 'AT_ENTRY',
  11: 'AT_UID',
  12: 'AT_EUID',
  13: 'AT_GID',
  14: 'AT_EGID',
  15: 'AT_PLATFORM',
  16: 'AT_HWCAP',
  17: 'AT_CLKTCK',
  23: 'AT_SECURE',
  24: 'AT_BASE_PLATFORM',
  25: 'AT_RANDOM',
  26: 'AT_HWCAP2',
  31: 'AT_EXECFN',
  33: 'AT_SYSINFO_EHDR',
  51: 'AT_MINSIGSTKSZ',
};

export interface LinuxStreams {
  /** The streams as text attachments, named for the file each copies. */
  attachments: { name: string; text: string }[];
  /** The distribution, as /etc/lsb-release (or os-release, which Breakpad copies in its place) describes it. */
  distribution: string | null;
}

function text(bytes: Buffer): string {
  const cut = bytes.length > MAX_TEXT;
  return bytes.toString('utf8', 0, Math.min(bytes.length, MAX_TEXT)).replace(/\0+$/, '') + (cut ? `\n… (${bytes.length} bytes; cut)` : '');
}

/** The auxiliary vector, one `AT_NAME 0x…` per entry, with the word size the dump's CPU uses. */
function auxvText(bytes: Buffer, wordSize: 4 | 8): string {
  const lines: string[] = [];
  for (let o = 0; o + 2 * wordSize <= bytes.length; o += 2 * wordSize) {
    const type = wordSize === 8 ? Number(bytes.readBigUInt64LE(o)) : bytes.readUInt32LE(o);
    if (type === 0) break;
    const value = wordSize === 8 ? bytes.readBigUInt64LE(o + 8) : BigInt(bytes.readUInt32LE(o + 4));
    lines.push(`${AUXV_NAMES[type] ?? `AT_${type}`} 0x${value.toString(16)}`);
  }
  return lines.join('\n');
}

function distributionOf(release: string): string | null {
  const field = (key: string): string | undefined => new RegExp(`^${key}=("?)(.*)\\1\\s*$`, 'm').exec(release)?.[2]?.trim();
  return field('DISTRIB_DESCRIPTION') ?? field('PRETTY_NAME') ?? null;
}

/** What a Linux minidump copied of the process's /proc files and the system's release file. */
export async function readLinuxStreams(streams: Streams, wordSize: 4 | 8): Promise<LinuxStreams> {
  const attachments: LinuxStreams['attachments'] = [];
  let distribution: string | null = null;
  for (const { type, name, what } of LINUX_FILES) {
    const bytes = await streams.read(type, what);
    if (!bytes?.length) continue;
    const body = text(bytes);
    attachments.push({ name, text: body });
    if (name === 'lsb-release') distribution = distributionOf(body);
  }
  const auxv = await streams.read(LINUX_AUXV, 'auxiliary vector');
  if (auxv?.length) attachments.push({ name: 'auxv', text: auxvText(auxv, wordSize) });
  return { attachments, distribution };
}
