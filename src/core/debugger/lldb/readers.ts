import type { Disassembly, DisassemblyBlock, Frame, Instruction, Thread, Variable } from '../../../shared/model';
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

/** `thread backtrace all` in THREAD_FORMAT and FRAME_FORMAT: each thread's frames, innermost first. */
export function readBacktraces(lines: string[], moduleAt: (address: bigint) => string | null): Thread[] {
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

/** `register read`: "rip = 0x…" lines; only the wanted ones, by gdb's names, when any are wanted. */
export function readRegisters(lines: string[], wanted: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = /^\s*(\w+) = (0x[0-9a-f]+)/i.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const name = LLDB_REGISTER_ALIASES[m[1]] ?? m[1];
    if (wanted.size === 0 || wanted.has(name)) out[name] = `0x${BigInt(m[2]).toString(16)}`;
  }
  return out;
}

/** `frame variable -s -D 0` lines: "ARG: (int) argc = 1", "LOCAL: (node *) n = 0x…"; a function's statics too. */
export function readFrameVariables(lines: string[]): Variable[] {
  const out: Variable[] = [];
  for (const line of lines) {
    // A structure prints as "LOCAL: (job) job ={...}", with no space after the =.
    const m = /^(ARG|LOCAL|GLOBAL|STATIC):\s+\((.*?)\)\s+(\S+)\s+=\s*(.*)$/.exec(line);
    if (!m) continue;
    out.push({ name: m[3] ?? '?', type: m[2] ?? null, value: m[4] ?? null, isArgument: m[1] === 'ARG' });
  }
  return out;
}

/** An lldb command's error, as it prints it ("error: …"), without the prefix. */
export const errorOf = (lines: string[]): string | null => lines.find((l) => l.startsWith('error:'))?.replace(/^error:\s*/, '') ?? null;

/** `disassemble --mixed --frame`: "** 12 <source>" heads the instructions of line 12; "->" marks the pc. */
export function readDisassembly(lines: string[], file: string | null): Disassembly {
  let name: string | null = null;
  const blocks: DisassemblyBlock[] = [];
  let block: DisassemblyBlock | null = null;
  for (const line of lines) {
    const header = /^\S+`(.+):$/.exec(line);
    if (header?.[1]) {
      name ??= header[1];
      continue;
    }
    const source = /^\*\*\s+(\d+)\s*\t?(.*)$/.exec(line);
    if (source) {
      block = { file, line: Number(source[1]), source: source[2] ?? null, instructions: [] };
      blocks.push(block);
      continue;
    }
    const ins = /^(->)?\s+(0x[0-9a-f]+)\s+<\+(\d+)>:\s+(.*?)\s*$/.exec(line);
    if (!ins) continue;
    if (!block) {
      block = { file: null, line: null, source: null, instructions: [] };
      blocks.push(block);
    }
    const instruction: Instruction = {
      address: `0x${BigInt(ins[2] ?? '0').toString(16)}`,
      offset: Number(ins[3]),
      opcodes: null,
      text: ins[4] ?? '',
      current: ins[1] === '->',
    };
    block.instructions.push(instruction);
  }
  return { function: name, blocks: blocks.filter((b) => b.instructions.length > 0), truncated: false };
}

/** `frame info`: the frame's function, from "frame #N: 0x… module`function(…) at …". */
export const readFrameFunction = (lines: string[]): string | null =>
  lines.map((l) => /frame #\d+: 0x[0-9a-f]+ [^`\s]+`([^(\s]+)/.exec(l)?.[1]).find(Boolean) ?? null;

/** `expression -f x -- (unsigned long)(…)`: the address, or null (lldb may print its stop report into the same section). */
export function readAddress(lines: string[]): string | null {
  const value = lines.map((line) => /^\(.*?\) \$\d+ = (0x[0-9a-f]+)\s*$/.exec(line)).find(Boolean)?.[1];
  return value ? `0x${BigInt(value).toString(16)}` : null;
}

/** `memory read -s1 -fx`: the bytes read, as two hex digits each, in order; none when nothing could be read. */
export function readMemoryBytes(lines: string[]): string[] {
  return lines.flatMap((line) => {
    const m = /^0x[0-9a-f]+:((?:\s+0x[0-9a-f]{2})+)/.exec(line);
    return m?.[1]
      ? m[1]
          .trim()
          .split(/\s+/)
          .map((b) => b.slice(2))
      : [];
  });
}

/**
 * The variable's own "(type) name = …" line of `frame variable`: lldb may print its report of the
 * core's stop into the same section, before it.
 */
const variableLine = (lines: string[]): string | undefined => lines.find((l) => l.startsWith('('));

/** Whether `frame variable -T -D 0` answered: with the variable's own line, or an error. */
export const variableAnswered = (lines: string[]): boolean => lines.some((l) => l.startsWith('(') || l.startsWith('error:'));

/** Whether `frame variable` showed a pointer, which opens onto what it points at. */
export const isPointer = (lines: string[]): boolean => /^\([^)]*\*\s*\)/.test(variableLine(lines) ?? '');

/**
 * Whether `frame variable -D 1` answered whole: an error, a value without members, or the
 * members between "= {" and the closing "}" — a run that died after the opening line has not.
 */
export function membersAnswered(lines: string[]): boolean {
  const own = variableLine(lines);
  if (lines.some((l) => l.startsWith('error:'))) return true;
  return own !== undefined && (!own.trimEnd().endsWith('{') || lines.some((l) => l.trim() === '}'));
}

/** `frame variable -T -D 1`: the members, "  (type) name = value", one level in. */
export function readMembers(lines: string[]): { type: string | null; name: string; value: string | null }[] {
  return lines.flatMap((line) => {
    const child = /^ {2}\((.*?)\)\s+(\S+)\s+=\s*(.*)$/.exec(line);
    if (!child) return [];
    const [, type = null, name = '?', value = null] = child;
    return [{ type, name, value }];
  });
}
