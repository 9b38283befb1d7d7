import type { Frame, FrameTrust, SystemInfo } from './crash-model';

/** The last part of a path, whichever platform wrote it (`C:\app\app.exe` as well as `/usr/bin/app`). */
export const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;

/** Where a module sits, for frames whose offset was not kept (a debugger's frames). */
export interface ModuleBase {
  path: string;
  start: string;
}

/** The frame's offset in its module, kept or worked out from the module's base. */
function moduleOffsetOf(frame: Pick<Frame, 'address' | 'module' | 'moduleOffset'>, modules: ModuleBase[] = []): string | null {
  if (frame.moduleOffset) return frame.moduleOffset;
  const module = frame.module === null ? undefined : modules.find((m) => m.path === frame.module);
  if (!module || !/^0x[0-9a-f]+$/i.test(frame.address) || !/^0x[0-9a-f]+$/i.test(module.start)) return null;
  const offset = BigInt(frame.address) - BigInt(module.start);
  return offset >= 0n ? `0x${offset.toString(16)}` : null;
}

/** A frame as people read it: its function, or `module + 0xoffset` where no symbol names it, never a bare address. */
export function frameLabel(frame: Pick<Frame, 'address' | 'function' | 'module' | 'moduleOffset'>, modules: ModuleBase[] = []): string {
  if (frame.function) return frame.function;
  if (!frame.module) return frame.address;
  const offset = moduleOffsetOf(frame, modules);
  return offset ? `${fileName(frame.module)} + ${offset}` : fileName(frame.module);
}

/**
 * A frame's address as shown: none where the recorder gave none (a JavaScript frame of a Node.js
 * report, a text stack without addresses), rather than a made-up 0x0. A call through a NULL
 * pointer keeps its 0x0: it has no function.
 */
export const shownAddress = (frame: Pick<Frame, 'address' | 'function'>): string =>
  frame.address === '0x0' && frame.function !== null ? '' : frame.address;

/** How a walked frame was found, in words for a badge's tooltip and a report. */
export const TRUST_WORDS: Record<FrameTrust, string> = {
  context: 'from the thread’s registers',
  cfi: 'by unwind rules (CFI)',
  'frame-pointer': 'by the frame-pointer chain',
  scan: 'by scanning the stack: a guess, left out of grouping',
  guess: 'by the debugger without the unwind rules of the code it came through: a guess, left out of grouping',
};

/** Frames a guess found: shown, but no part of what groups a crash. */
export const isGuessed = (f: { trust?: FrameTrust }): boolean => f.trust === 'scan' || f.trust === 'guess';

/** "3 d 4 h", "1 h 2 min", "42 s": how long a process had run, in its two largest units. */
export function uptimeWords(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let left = Math.max(0, Math.floor(seconds));
  for (const [name, size] of units) {
    if (left >= size || (name === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(left / size)} ${name}`);
      left %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** "Windows NT 10.0.19045 · amd64", "Linux 4.9.60 … · amd64 · Ubuntu 16.04.3 LTS": what a dump says of the machine it was written on. */
export const systemLine = (system: SystemInfo): string =>
  `${system.os} ${system.osVersion} · ${system.cpu}${system.distribution ? ` · ${system.distribution}` : ''}`;
