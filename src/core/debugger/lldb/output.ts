import type { Frame, Thread, Variable } from '../../../shared/model';
import { hexAddress } from '../extraction';

/** Formats that make lldb's backtraces machine-readable: fields split by a rare separator. */
export const SEP = '\u241f';
export const THREAD_FORMAT = `@@thread${SEP}\${thread.index}${SEP}\${thread.id}${SEP}{\${thread.name}}${SEP}{\${thread.stop-reason}}\\n`;
export const FRAME_FORMAT = `@@frame${SEP}\${frame.index}${SEP}\${frame.pc}${SEP}{\${module.file.fullpath}}${SEP}{\${function.name}}${SEP}{\${line.file.fullpath}}${SEP}{\${line.number}}\\n`;

export interface LldbSection {
  command: string;
  lines: string[];
}

/** Splits batch output into the part each command printed, by lldb's echo of the command. */
export function splitSections(output: string): LldbSection[] {
  const sections: LldbSection[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const echo = /^\(lldb\) (.*)$/.exec(line);
    if (echo) sections.push({ command: echo[1] ?? '', lines: [] });
    else sections.at(-1)?.lines.push(line);
  }
  return sections;
}

const numberOf = (text: string | undefined): number => (text?.startsWith('0x') ? Number(BigInt(text)) : Number(text));

const INLINED = ' [inlined] ';

export function parseBacktraces(lines: string[], moduleAt: (address: bigint) => string | null): Thread[] {
  const threads: Thread[] = [];
  for (const line of lines) {
    const at = line.indexOf('@@');
    if (at === -1) continue;
    const fields = line.slice(at + 2).split(SEP);
    if (fields[0] === 'thread') {
      threads.push({
        id: numberOf(fields[2]),
        number: Number(fields[1]),
        name: fields[3] || null,
        crashed: false,
        frames: [],
        framesTruncated: false,
        registers: {},
        locals: {},
      });
    } else if (fields[0] === 'frame') {
      const thread = threads.at(-1);
      if (!thread) continue;
      const address = hexAddress(fields[2]) ?? '0x0';
      // lldb names an inlined frame "caller [inlined] callee": the frame is the callee's, as gdb names it.
      const named = fields[4] ?? '';
      const inlinedAt = named.indexOf(INLINED);
      const name = inlinedAt === -1 ? named : named.slice(inlinedAt + INLINED.length);
      const frame: Frame = {
        index: Number(fields[1]),
        address,
        // lldb invents ___lldb_unnamed_symbolN for code without a symbol; N changes with every build.
        function: name && !name.startsWith('___lldb_unnamed_symbol') ? name : null,
        file: fields[5] || null,
        line: fields[6] ? Number(fields[6]) : null,
        module: moduleAt(BigInt(address)) ?? (fields[3] || null),
        inline: inlinedAt !== -1,
      };
      thread.frames.push(frame);
    }
  }
  return threads;
}

const LLDB_REGISTER_ALIASES: Record<string, string> = { rflags: 'eflags' };

export function parseRegisters(lines: string[], wanted: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^\s*(\w+) = (0x[0-9a-f]+)/i.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const name = LLDB_REGISTER_ALIASES[m[1]] ?? m[1];
    if (wanted.size === 0 || wanted.has(name)) out[name] = `0x${BigInt(m[2]).toString(16)}`;
  }
  return out;
}

/** `frame variable -s -D 0` lines: "ARG: (int) argc = 1", "LOCAL: (node *) n = 0x…". */
export function parseVariables(lines: string[]): Variable[] {
  const out: Variable[] = [];
  for (const line of lines) {
    // A structure prints as "LOCAL: (job) job ={...}", with no space after the =.
    const m = /^(ARG|LOCAL|GLOBAL|STATIC):\s+\((.*?)\)\s+(\S+)\s+=\s*(.*)$/.exec(line);
    if (!m) continue;
    out.push({ name: m[3] ?? '?', type: m[2] ?? null, value: m[4] ?? null, isArgument: m[1] === 'ARG' });
  }
  return out;
}
