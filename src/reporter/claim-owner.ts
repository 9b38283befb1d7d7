import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a claim on a crash's record: enough to tell, on the same machine, that its holder is
 * gone. A reporter killed between claiming a crash and writing its record leaves the claim
 * behind; a restarted one (often with the same pid, as pid 1 of a container) must take it over at
 * once, or the uploader's retry could only be told to wait.
 */
export interface ClaimOwner {
  host: string;
  /** The kernel's boot id: after a reboot no claim of the earlier boot has a live holder. */
  boot: string;
  pid: number;
  /** The process's start time in clock ticks since boot: tells a reused pid from its first holder. */
  start: string;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** Field 22 of /proc/PID/stat, counted after the command name, which may hold spaces and parentheses. */
function startTicks(pid: number): string | null {
  const stat = readOr(`/proc/${pid}/stat`, '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

let self: ClaimOwner | null = null;

export function claimOwner(): ClaimOwner {
  self ??= {
    host: hostname(),
    boot: readOr('/proc/sys/kernel/random/boot_id', '').trim(),
    pid: process.pid,
    start: startTicks(process.pid) ?? '',
  };
  return self;
}

function parseOwner(text: string): ClaimOwner | null {
  try {
    const value = JSON.parse(text) as Partial<ClaimOwner>;
    const { host, boot, pid, start } = value;
    if (typeof host !== 'string' || typeof boot !== 'string' || typeof pid !== 'number' || typeof start !== 'string') return null;
    return { host, boot, pid, start };
  } catch {
    return null;
  }
}

/**
 * Whether the claim's holder is known to be gone: it ran on this machine (same host name and
 * boot) and no process with its pid and start time runs now, or the machine has rebooted since.
 * A holder on another machine, or a claim that names none, cannot be judged here.
 */
export function ownerGone(claimText: string): boolean {
  const owner = parseOwner(claimText);
  const me = claimOwner();
  if (!owner || owner.host !== me.host || !me.boot || !owner.boot) return false;
  if (owner.boot !== me.boot) return true;
  if (owner.pid === me.pid) return owner.start !== me.start;
  const start = startTicks(owner.pid);
  return start === null || start !== owner.start;
}
