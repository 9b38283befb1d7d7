import { execFileSync } from 'node:child_process';

/** One frame as elfutils' `eu-stack` prints it: `#3  0x0000000000401fa6 backtracegen`. */
export interface EuFrame {
  address: bigint;
  function: string | null;
}

/** The first thread eu-stack prints, which is the core's first: the one that took the signal. */
export function crashingThreadOf(output: string): EuFrame[] {
  const frames: EuFrame[] = [];
  let threads = 0;
  for (const line of output.split('\n')) {
    if (/^TID \d+:/.test(line) && ++threads > 1) break;
    const m = /^#\d+\s+0x([0-9a-f]+)(?:\s+(\S+))?/.exec(line);
    if (m?.[1] && threads === 1) frames.push({ address: BigInt(`0x${m[1]}`), function: m[2] ?? null });
  }
  return frames;
}

/**
 * Each function symbol's address in an executable (`nm`): names at one address are one function
 * under aliases (glibc's weak `clone` and global `__clone`), which gdb and eu-stack choose between
 * differently.
 */
export function symbolAddresses(executable: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const listing = execFileSync('nm', ['--defined-only', executable], { encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const line of listing.split('\n')) {
    const m = /^([0-9a-f]+) [TtWw] (\S+)$/.exec(line);
    if (m?.[1] && m[2] && !out.has(m[2])) out.set(m[2], BigInt(`0x${m[1]}`));
  }
  return out;
}

/** Why our frame is not eu-stack's, or null when it is: the same address, and the same function or an alias of it. */
export function coreFrameDifference(
  ref: EuFrame,
  ours: { address: string; function: string | null } | undefined,
  symbols: Map<string, bigint>,
): string | null {
  if (!ours) return 'missing';
  if (BigInt(ours.address) !== ref.address) return `address ${ours.address} ≠ 0x${ref.address.toString(16)}`;
  if (ref.function === null || ours.function === ref.function) return null;
  const mine = ours.function === null ? undefined : symbols.get(ours.function);
  if (mine !== undefined && mine === symbols.get(ref.function)) return null;
  return `function ${ours.function} ≠ ${ref.function}`;
}
