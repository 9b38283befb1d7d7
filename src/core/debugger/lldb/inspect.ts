import type { Disassembly, MemoryChunk, VariableNode } from '../../../shared/model';
import { VARIABLE_HANDLES } from '../../../shared/model';
import { DebuggerError } from '../errors';
import { runBatch } from './batch';
import { LLDB, LLDB_QUERIES, type LldbQuery } from './commands';
import { targetCommands, type LldbTarget } from './extract';
import { errorOf, splitSections } from './readers';
import { hasControlCharacters } from '../../platform/path-aliases';

/** A view's query on a small core takes well under a second; one that takes this long has hung. */
const QUERY_TIMEOUT_MS = 15_000;
/**
 * lldb 14 sometimes dies ("LLVM ERROR: out of memory") or hangs when `frame select` meets its
 * own report of the core's stop; a fresh run does not.
 */
const ATTEMPTS = 3;

/** Each query's answer as its reader read it, with the lines it was read from (for an error lldb printed). */
type Answers<Q extends readonly LldbQuery<unknown>[]> = {
  [K in keyof Q]: { value: Q[K] extends LldbQuery<infer T> ? T : never; lines: string[] };
};

/**
 * Runs queries in a frame with a one-off lldb and reads what each printed. lldb has no machine
 * interface to keep open beside its console, and a batch run is what it does reliably.
 */
async function inFrame<const Q extends readonly LldbQuery<unknown>[]>(
  target: LldbTarget,
  thread: number,
  frame: number,
  queries: Q,
): Promise<Answers<Q>> {
  const commands = queries.map((q) => q.text);
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
    const found = queries.map((q) => [...sections].reverse().find((s) => s.command === q.text)?.lines);
    // A run that dies ("LLVM ERROR") may have echoed a command and printed only part of its answer.
    if (found.every((lines, i): lines is string[] => lines !== undefined && (queries[i]?.complete(lines) ?? false)))
      return queries.map((q, i) => ({ value: q.read(found[i] ?? []), lines: found[i] ?? [] })) as Answers<Q>;
    failure = /LLVM ERROR: .*/.exec(output)?.[0] ?? 'it printed nothing, or not all, for the command';
  }
  throw new DebuggerError(
    'lldb',
    `running ${commands.join('; ')}`,
    `${failure} (tried ${ATTEMPTS} times); the gdb backend reads this core too`,
  );
}

export async function lldbDisassemble(target: LldbTarget, thread: number, frame: number, file: string | null): Promise<Disassembly> {
  let result: Disassembly | null = null;
  // A run whose output lldb's stop report cut up shows no program counter; one more run does.
  for (let attempt = 0; attempt < 2 && !result?.blocks.some((b) => b.instructions.some((i) => i.current)); attempt++) {
    const [info, disassembly] = await inFrame(target, thread, frame, [LLDB_QUERIES.frameInfo, LLDB_QUERIES.disassembleFrame(file)]);
    const error = errorOf(disassembly.lines);
    if (error) throw new DebuggerError('lldb', 'disassembling', error);
    // lldb's own stop report can land where the "module`function:" header would be; `frame info` names it too.
    result = { ...disassembly.value, function: disassembly.value.function ?? info.value };
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
  const [evaluated, read] = await inFrame(target, thread, frame, [
    LLDB_QUERIES.addressOf(expression),
    LLDB_QUERIES.memory(expression, length),
  ]);
  const address = evaluated.value;
  if (!address)
    throw new Error(`${expression} is not an address (lldb says ${errorOf(evaluated.lines) ?? evaluated.lines.join(' ').trim()})`);
  const hex = read.value;
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
  const [locals] = await inFrame(target, thread, frame, [LLDB_QUERIES.frameLocals]);
  return locals.value.map(({ name, type, value, isArgument }) => ({
    id: handle(thread, frame, name),
    name,
    type,
    value: clean(value),
    childCount: expandable(type, value),
    isArgument,
  }));
}

export async function lldbChildren(target: LldbTarget, id: string): Promise<VariableNode[]> {
  const m = /^lldb:(\d+):(\d+):(.+)$/.exec(id);
  if (!m || !VARIABLE_HANDLES.lldb.test(id)) throw new Error(`not an lldb variable handle: ${JSON.stringify(id)}`);
  const thread = Number(m[1]);
  const frame = Number(m[2]);
  const path = m[3] ?? '';
  // A pointer opens onto what it points at; a structure or an array onto its members.
  const [probe] = await inFrame(target, thread, frame, [LLDB_QUERIES.variable(path)]);
  const { pointer } = probe.value;
  const shown = pointer ? `*${path}` : path;
  const [members] = await inFrame(target, thread, frame, [LLDB_QUERIES.members(shown)]);
  const error = errorOf(members.lines);
  if (error) throw new DebuggerError('lldb', `opening ${path}`, error);
  return members.value.map(({ type, name, value }) => {
    const childPath = name.startsWith('[') ? `${shown}${name}` : pointer ? `${path}->${name}` : `${path}.${name}`;
    return {
      id: handle(thread, frame, childPath),
      name,
      type,
      value: clean(value),
      childCount: expandable(type, value),
      isArgument: false,
    };
  });
}
