import { miList, miQuote, miString, miTuple, type MiTuple } from './mi-parser';
import type { GdbSession } from './session';

/**
 * Every gdb/MI command the workbench sends, each built in one place with its arguments quoted as
 * MI wants them, and each answer read defensively: a field gdb left out, or gave another shape,
 * reads as absent, never as a crash of the reader. In the manner of cdt-gdb-adapter's `src/mi/`.
 */

/** `--thread N --frame M`: the frame a command is about, without selecting it for the console. */
const at = (thread: number, frame: number): string => `--thread ${thread} --frame ${frame}`;

/** The tuples of a list result (frames, threads, variables …), whatever else gdb put in it. */
const tuples = (value: Parameters<typeof miList>[0]): MiTuple[] =>
  miList(value)
    .map(miTuple)
    .filter((t): t is MiTuple => t !== null);

/** A CLI command run through MI; what it printed on gdb's console. */
export async function consoleCommand(gdb: GdbSession, command: string, timeoutMs?: number): Promise<string> {
  return (await gdb.command(`-interpreter-exec console ${miQuote(command)}`, timeoutMs)).console;
}

export async function loadProgram(gdb: GdbSession, path: string): Promise<void> {
  await gdb.command(`-file-exec-and-symbols ${miQuote(path)}`);
}

export interface MiThread {
  /** gdb's own number for the thread. */
  number: number | null;
  /** "LWP 1234", "process 1234", "Thread 0x7f… (LWP 1234)". */
  targetId: string | null;
  name: string | null;
}

export async function threadInfo(gdb: GdbSession): Promise<{ threads: MiThread[]; current: number | null }> {
  const { results } = await gdb.command('-thread-info');
  const current = miString(results['current-thread-id']);
  return {
    threads: tuples(results.threads).map((t) => {
      const number = miString(t.id);
      return { number: number ? Number(number) : null, targetId: miString(t['target-id']), name: miString(t.name) };
    }),
    current: current ? Number(current) : null,
  };
}

export async function selectThread(gdb: GdbSession, thread: number): Promise<void> {
  await gdb.command(`-thread-select ${thread}`);
}

/** The architecture's register names, by gdb's register number. */
export async function registerNames(gdb: GdbSession): Promise<string[]> {
  return miList((await gdb.command('-data-list-register-names')).results['register-names']).map((n) => miString(n) ?? '');
}

/** A thread's frames from `from` to `to`, as gdb's frame tuples (level, addr, func, file, line …). */
export async function listFrames(gdb: GdbSession, thread: number, from: number, to: number): Promise<MiTuple[]> {
  return tuples((await gdb.command(`-stack-list-frames --thread ${thread} ${from} ${to}`)).results.stack);
}

/** The values of the registers numbered in `numbers` (space-separated), in hex, as unwound to the frame. */
export async function registerValues(
  gdb: GdbSession,
  thread: number,
  frame: number,
  numbers: string,
): Promise<Array<{ number: number; value: string }>> {
  const { results } = await gdb.command(`-data-list-register-values ${at(thread, frame)} x ${numbers}`);
  return tuples(results['register-values']).flatMap((t) => {
    const number = miString(t.number);
    const value = miString(t.value);
    return number !== null && value !== null ? [{ number: Number(number), value }] : [];
  });
}

/** A frame's arguments and locals: with their simple values, or names only. */
export async function listVariables(gdb: GdbSession, thread: number, frame: number, values: 'simple' | 'none'): Promise<MiTuple[]> {
  const mode = values === 'simple' ? '--simple-values' : '--no-values';
  return tuples((await gdb.command(`-stack-list-variables ${at(thread, frame)} ${mode}`)).results.variables);
}

/** An expression's value in the frame, as gdb prints it; null when it gave none. */
export async function evaluate(gdb: GdbSession, thread: number, frame: number, expression: string): Promise<string | null> {
  return miString((await gdb.command(`-data-evaluate-expression ${at(thread, frame)} ${miQuote(expression)}`)).results.value);
}

/**
 * The frame's function around its program counter with source lines (`around`), or, where no
 * function contains it, the bytes that follow it (`after`).
 */
export async function disassemble(
  gdb: GdbSession,
  thread: number,
  frame: number,
  range: { around: 'pc' } | { after: number },
): Promise<MiTuple[]> {
  const command =
    'around' in range
      ? `-data-disassemble ${at(thread, frame)} -a $pc -- 5`
      : `-data-disassemble ${at(thread, frame)} -s $pc -e "$pc + ${range.after}" -- 2`;
  return tuples((await gdb.command(command)).results.asm_insns);
}

/** The readable regions of `length` bytes from `start`, each with its contents in hex. */
export async function readMemory(gdb: GdbSession, start: bigint, length: number): Promise<Array<{ begin: bigint; contents: string }>> {
  const { results } = await gdb.command(`-data-read-memory-bytes 0x${start.toString(16)} ${length}`);
  return tuples(results.memory).flatMap((t) => {
    const begin = miString(t.begin);
    return begin && /^0x[0-9a-f]+$/i.test(begin) ? [{ begin: BigInt(begin), contents: miString(t.contents) ?? '' }] : [];
  });
}

/** A variable object for a name in the frame, which can be opened for its children. */
export async function createVariable(gdb: GdbSession, thread: number, frame: number, name: string): Promise<MiTuple> {
  return (await gdb.command(`-var-create ${at(thread, frame)} - * ${miQuote(name)}`)).results;
}

export async function variableChildren(gdb: GdbSession, id: string, count: number): Promise<MiTuple[]> {
  return tuples((await gdb.command(`-var-list-children --all-values ${miQuote(id)} 0 ${count}`)).results.children);
}

export async function deleteVariable(gdb: GdbSession, id: string): Promise<void> {
  await gdb.command(`-var-delete ${miQuote(id)}`);
}

export interface MiInstruction {
  address: bigint;
  text: string;
  /** The source line gdb knows for the instruction, where the function has line info. */
  file: string | null;
  line: number | null;
}

/**
 * The instructions of the function that holds `address`, in address order, each with its source
 * line where gdb knows it (mode 1 nests them under their lines; without line info they come bare).
 */
export async function functionInstructions(gdb: GdbSession, address: bigint | { file: string; name: string }): Promise<MiInstruction[]> {
  // A function by its name is taken in its own file: two files may each have a static one of that name.
  const where = typeof address === 'bigint' ? `0x${address.toString(16)}` : miQuote(`'${address.file}'::${address.name}`);
  const { results } = await gdb.command(`-data-disassemble -a ${where} -- 1`);
  const read = (t: MiTuple, file: string | null, line: number | null): MiInstruction[] => {
    const at = miString(t.address);
    return at && /^0x[0-9a-f]+$/i.test(at) ? [{ address: BigInt(at), text: miString(t.inst) ?? '', file, line }] : [];
  };
  return tuples(results.asm_insns)
    .flatMap((item) => {
      const nested = miList(item.line_asm_insn);
      if (!nested.length) return read(item, null, null);
      const number = Number(miString(item.line));
      const file = miString(item.fullname) ?? miString(item.file);
      return nested.map(miTuple).flatMap((t) => (t ? read(t, file, number > 0 ? number : null) : []));
    })
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

/**
 * gdb's blocks hold the functions inlined at an address, which neither its disassembly nor
 * `info symbol` names. Defined once per session, in gdb's own Python, as a function of an address.
 */
const INLINE_CHAIN = [
  'def crashwb_inlined_at(pc):',
  '  names, block = [], gdb.block_for_pc(pc)',
  '  while block is not None and block.function is not None and block.superblock is not None:',
  '    if block.is_global or block.is_static: break',
  '    names.append(block.function.print_name)',
  '    block = block.superblock',
  '    while block is not None and block.function is None: block = block.superblock',
  '  return names[:-1]',
].join('\\n');

const defined = new WeakSet<GdbSession>();

/** The functions inlined at an address, innermost first, without the function they are inlined into. */
export async function inlinedAt(gdb: GdbSession, address: bigint): Promise<string[]> {
  if (!defined.has(gdb)) {
    await consoleCommand(gdb, `python exec("${INLINE_CHAIN}")`);
    defined.add(gdb);
  }
  const printed = await consoleCommand(gdb, `python print("@@inlined:" + "\\x1f".join(crashwb_inlined_at(0x${address.toString(16)})))`);
  const line = printed.split('\n').find((l) => l.startsWith('@@inlined:'));
  return line ? line.slice('@@inlined:'.length).split('\x1f').filter(Boolean) : [];
}

/** Most functions asked of gdb's symbol tables at once: a program with its libraries' debug info has tens of thousands. */
const MAX_SYMBOLS = 4000;

/** The functions with debug info that a source file defines, by name, as gdb's symbol tables list them. */
export async function functionsOfFile(gdb: GdbSession, fullname: string): Promise<string[]> {
  const { results } = await gdb.command(`-symbol-info-functions --max-results ${MAX_SYMBOLS}`);
  const debug = tuples(miTuple(results.symbols)?.debug);
  return debug
    .filter((file) => miString(file.fullname) === fullname)
    .flatMap((file) => tuples(file.symbols).flatMap((symbol) => miString(symbol.name) ?? []));
}
