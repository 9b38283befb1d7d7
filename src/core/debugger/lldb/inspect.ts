import type { Disassembly, DisassemblyBlock, Instruction, MemoryChunk, VariableNode } from '../../../shared/model';
import { VARIABLE_HANDLES } from '../../../shared/model';
import { DebuggerError } from '../errors';
import { runBatch } from './batch';
import { LLDB } from './commands';
import { targetCommands, type LldbTarget } from './extract';
import { splitSections } from './output';
import { hasControlCharacters } from '../../platform/path-aliases';

/** A view's query on a small core takes well under a second; one that takes this long has hung. */
const QUERY_TIMEOUT_MS = 15_000;
/**
 * lldb 14 sometimes dies ("LLVM ERROR: out of memory") or hangs when `frame select` meets its
 * own report of the core's stop; a fresh run does not.
 */
const ATTEMPTS = 3;

/**
 * Runs commands in a frame with a one-off lldb and returns what each printed. lldb has no
 * machine interface to keep open beside its console, and a batch run is what it does reliably.
 */
async function inFrame(
  target: LldbTarget,
  thread: number,
  frame: number,
  commands: string[],
  complete: (lines: string[]) => boolean = () => true,
): Promise<string[][]> {
  let failure = '';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let output: string;
    try {
      output = await runBatch(
        [LLDB.noColor, ...targetCommands(target), LLDB.selectThread(thread), LLDB.selectFrame(frame), ...commands],
        QUERY_TIMEOUT_MS,
      );
    } catch (error) {
      if (!(error instanceof DebuggerError) || !/no result within/.test(error.message)) throw error;
      failure = error.message;
      continue;
    }
    const sections = splitSections(output);
    const found = commands.map((command) => [...sections].reverse().find((s) => s.command === command)?.lines);
    // A run that dies ("LLVM ERROR") may have echoed a command and printed only part of its answer.
    if (found.every((lines): lines is string[] => lines !== undefined && complete(lines))) return found;
    failure = /LLVM ERROR: .*/.exec(output)?.[0] ?? 'it printed nothing, or not all, for the command';
  }
  throw new DebuggerError(
    'lldb',
    `running ${commands.join('; ')}`,
    `${failure} (tried ${ATTEMPTS} times); the gdb backend reads this core too`,
  );
}

const errorOf = (lines: string[]): string | null => lines.find((l) => l.startsWith('error:'))?.replace(/^error:\s*/, '') ?? null;

/** `disassemble --mixed --frame`: "** 12 <source>" heads the instructions of line 12; "->" marks the pc. */
export function parseLldbDisassembly(lines: string[], file: string | null): Disassembly {
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

export async function lldbDisassemble(target: LldbTarget, thread: number, frame: number, file: string | null): Promise<Disassembly> {
  let result: Disassembly | null = null;
  // A run whose output lldb's stop report cut up shows no program counter; one more run does.
  for (let attempt = 0; attempt < 2 && !result?.blocks.some((b) => b.instructions.some((i) => i.current)); attempt++) {
    const [info = [], lines = []] = await inFrame(target, thread, frame, [LLDB.frameInfo, LLDB.disassembleFrame]);
    const error = errorOf(lines);
    if (error) throw new DebuggerError('lldb', 'disassembling', error);
    const disassembly = parseLldbDisassembly(lines, file);
    // lldb's own stop report can land where the "module`function:" header would be; `frame info` names it too.
    const named = info.map((l) => /frame #\d+: 0x[0-9a-f]+ [^`\s]+`([^(\s]+)/.exec(l)?.[1]).find(Boolean);
    result = { ...disassembly, function: disassembly.function ?? named ?? null };
  }
  return result as Disassembly;
}

export async function lldbReadMemory(
  target: LldbTarget,
  thread: number,
  frame: number,
  expression: string,
  length: number,
): Promise<{ address: string; chunks: MemoryChunk[] }> {
  if (hasControlCharacters(expression) || expression.includes('`'))
    throw new Error(`${JSON.stringify(expression)} holds characters an address expression cannot have`);
  const [evaluated = [], read = []] = await inFrame(target, thread, frame, [LLDB.addressOf(expression), LLDB.memory(expression, length)]);
  // lldb may print its stop report into the same section; the value is on its own line.
  const value = evaluated.map((line) => /^\(.*?\) \$\d+ = (0x[0-9a-f]+)\s*$/.exec(line)).find(Boolean);
  if (!value?.[1]) throw new Error(`${expression} is not an address (lldb says ${errorOf(evaluated) ?? evaluated.join(' ').trim()})`);
  const address = `0x${BigInt(value[1]).toString(16)}`;
  const hex = read.flatMap((line) => {
    const m = /^0x[0-9a-f]+:((?:\s+0x[0-9a-f]{2})+)/.exec(line);
    return m?.[1]
      ? m[1]
          .trim()
          .split(/\s+/)
          .map((b) => b.slice(2))
      : [];
  });
  if (hex.length === 0) return { address, chunks: [{ address, hex: '', readable: false }] };
  const chunks: MemoryChunk[] = [{ address, hex: hex.join(''), readable: true }];
  if (hex.length < length) chunks.push({ address: `0x${(BigInt(address) + BigInt(hex.length)).toString(16)}`, hex: '', readable: false });
  return { address, chunks };
}

/** A variable's handle names where it lives, so it can be opened with a later, separate lldb run. */
const handle = (thread: number, frame: number, path: string): string => `lldb:${thread}:${frame}:${path}`;

function expandable(type: string | null, value: string | null): number {
  if (value?.endsWith('{...}') || value?.endsWith('{')) return 1;
  if (type && /\*\s*$/.test(type) && value && !/^0x0+(\{\.\.\.\})?$/.test(value) && !/\bchar\b/.test(type)) return 1;
  return 0;
}

/** lldb marks what has members with "{...}" after the value, or as the whole value of a structure. */
const clean = (value: string | null): string | null =>
  value === null ? null : value === '{...}' ? '{…}' : value.replace(/\{\.\.\.\}$/, '');

export async function lldbVariables(target: LldbTarget, thread: number, frame: number): Promise<VariableNode[]> {
  const [lines = []] = await inFrame(target, thread, frame, [LLDB.frameLocals]);
  return lines.flatMap((line) => {
    const m = /^(ARG|LOCAL):\s+\((.*?)\)\s+(\S+)\s+=\s*(.*)$/.exec(line);
    if (!m) return [];
    const [, kind, type = null, name = '?', value = null] = m;
    return [
      { id: handle(thread, frame, name), name, type, value: clean(value), childCount: expandable(type, value), isArgument: kind === 'ARG' },
    ];
  });
}

/**
 * The variable's own "(type) name = …" line of `frame variable`: lldb may print its report of the
 * core's stop into the same section, before it.
 */
const variableLine = (lines: string[]): string | undefined => lines.find((l) => l.startsWith('('));

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

export async function lldbChildren(target: LldbTarget, id: string): Promise<VariableNode[]> {
  const m = /^lldb:(\d+):(\d+):(.+)$/.exec(id);
  if (!m || !VARIABLE_HANDLES.lldb.test(id)) throw new Error(`not an lldb variable handle: ${JSON.stringify(id)}`);
  const thread = Number(m[1]);
  const frame = Number(m[2]);
  const path = m[3] ?? '';
  // A pointer opens onto what it points at; a structure or an array onto its members.
  // Either command answers with the variable's own "(type) name = …" line first, or an error.
  const answered = (lines: string[]) => lines.some((l) => l.startsWith('(') || l.startsWith('error:'));
  const [probe = []] = await inFrame(target, thread, frame, [LLDB.variable(path, 0)], answered);
  const pointer = isPointer(probe);
  const shown = pointer ? `*${path}` : path;
  const [lines = []] = await inFrame(target, thread, frame, [LLDB.variable(shown, 1)], membersAnswered);
  const error = errorOf(lines);
  if (error) throw new DebuggerError('lldb', `opening ${path}`, error);
  return lines.flatMap((line) => {
    const child = /^ {2}\((.*?)\)\s+(\S+)\s+=\s*(.*)$/.exec(line);
    if (!child) return [];
    const [, type = null, name = '?', value = null] = child;
    const childPath = name.startsWith('[') ? `${shown}${name}` : pointer ? `${path}->${name}` : `${path}.${name}`;
    return [
      { id: handle(thread, frame, childPath), name, type, value: clean(value), childCount: expandable(type, value), isArgument: false },
    ];
  });
}
