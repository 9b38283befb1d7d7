import type { SignalInfo, SystemInfo } from '../../shared/model';
import { BoundedFile } from '../platform/bounded-file';
import {
  ET_CORE,
  ET_DYN,
  ET_EXEC,
  ElfFormatError,
  PT_LOAD,
  PT_NOTE,
  parseElfHeader,
  programHeaderAt,
  programHeaderSize,
  readElfHeaders,
  type ProgramHeader,
} from './elf-headers';
import {
  NT_AUXV,
  NT_FILE,
  NT_PRPSINFO,
  NT_PRSTATUS,
  NT_SIGINFO,
  MAX_NOTES,
  findBuildIdNote,
  parseAuxv,
  parseFileNote,
  parseNotes,
  parsePrPsInfo,
  parsePrStatus,
  parseSigInfo,
  type FileMapping,
  type Note,
  type PrStatus,
} from './notes';
import { describeSignal } from './signals';
import { loadedObjects, type ProcessMemory } from './link-map';
import { machineOf } from './machines';

export interface CoreModule {
  path: string;
  start: bigint;
  end: bigint;
  buildId: string | null;
  /** The other names the dynamic loader opened it by (a soname link, /lib for /usr/lib …). */
  loadedAs: string[];
  /** Breakpad's debug identifier (PDB GUID and age, Mach-O UUID) and debug file name, from a minidump. */
  debugId?: string;
  debugName?: string | null;
  /** A minidump's record of the file's version and code id (see `Module`). */
  version?: string;
  codeId?: string;
}

export interface CoreInfo {
  path: string;
  size: number;
  machine: number;
  pid: number;
  uid: number | null;
  command: string;
  commandLine: string;
  signal: SignalInfo;
  /** Threads in note order; the kernel writes the thread that took the signal first. */
  threads: PrStatus[];
  crashingThreadId: number;
  executablePath: string | null;
  /** The whole argument vector from the process's stack, when it could be read; `commandLine` is cut at 80 bytes. */
  argv: string[] | null;
  /** NAME=value strings the process started with, from its stack. */
  environment: string[];
  mappings: FileMapping[];
  modules: CoreModule[];
  /** Set when the core is shorter than its headers say. */
  truncation: { expected: number; actual: number } | null;
  /** When the dump says it was written (minidumps do; ELF cores leave it to the file's date). */
  dumpTime: string | null;
  /** OS and CPU, where the dump says (minidumps); ELF cores are from Linux, their machine is `machine`. */
  system?: SystemInfo | null;
  /** What of a minidump could not be read, and so is missing from the analysis (counts that lie, parts outside the file). */
  damage?: string[];
  /** How long the process had run when the dump was written, where the dump says (minidumps' MiscInfo). */
  uptimeSeconds?: number;
  /**
   * The thread of the crash handler that wrote the dump (Breakpad's info stream): its stack is
   * the handler's, not the program's, and Breakpad's own reader leaves it out.
   */
  dumpThreadId?: number;
  /** The annotations a Crashpad client recorded (its process's, and each module's), in words. */
  annotations?: string[];
  /** Files a dump copied from the machine (a Linux minidump's /proc/PID/status, maps, auxv, lsb-release), as text. */
  dumpFiles?: { name: string; text: string }[];
  /** Thread names a minidump records (Crashpad's and Windows' thread names stream), by thread id. */
  threadNames?: Record<number, string>;
}

const AT_ENTRY = 9n;
const AT_EXECFN = 31n;
const AT_SYSINFO_EHDR = 33;
/** The name the kernel, gdb and lldb give the vdso: a module in the process's memory, never a file. */
export const VDSO_NAME = '[vdso]';
const MAX_NOTES_BYTES = 256 * 1024 * 1024;
const PROBE_BYTES = 4096;
const ERRORS = {
  notCore: (kind: string) => `an ELF ${kind}, not a core dump; pass it as --exe and give the core file instead`,
};

/** Reads process memory that the core saved, or returns what part of it exists. */
class CoreMemory implements ProcessMemory {
  /** Sorted by address, so each look-up is a binary search however many segments a core has. */
  private readonly loads: ProgramHeader[];

  constructor(
    private readonly file: BoundedFile,
    loads: ProgramHeader[],
  ) {
    this.loads = [...loads].sort((a, b) => (a.vaddr < b.vaddr ? -1 : a.vaddr > b.vaddr ? 1 : 0));
  }

  /** The segment whose saved bytes hold `address` (or end at it, when `endInclusive`). */
  private segmentAt(address: bigint, endInclusive = false): ProgramHeader | undefined {
    let lo = 0;
    let hi = this.loads.length - 1;
    let found: ProgramHeader | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const seg = this.loads[mid] as ProgramHeader;
      if (endInclusive ? seg.vaddr < address : seg.vaddr <= address) {
        found = seg;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (!found) return undefined;
    const end = found.vaddr + BigInt(found.filesz);
    return address < end || (endInclusive && address === end) ? found : undefined;
  }

  async read(address: bigint, length: number): Promise<Buffer | null> {
    const seg = this.segmentAt(address);
    if (!seg) return null;
    const delta = Number(address - seg.vaddr);
    return this.file.read(seg.offset + delta, Math.min(length, seg.filesz - delta));
  }

  /** Up to `length` bytes that end just before `address`, within the segment that holds it. */
  async readBefore(address: bigint, length: number): Promise<Buffer | null> {
    const seg = this.segmentAt(address, true);
    if (!seg) return null;
    const start = address - BigInt(length) > seg.vaddr ? address - BigInt(length) : seg.vaddr;
    return this.read(start, Number(address - start));
  }

  async cString(address: bigint, max = 4096): Promise<string | null> {
    const bytes = await this.read(address, max);
    if (!bytes) return null;
    const end = bytes.indexOf(0);
    return bytes.toString('utf8', 0, end === -1 ? bytes.length : end);
  }
}

/** The build-id of an ELF image mapped in the process, read from its first page in the core. */
async function buildIdInMemory(memory: CoreMemory, base: bigint): Promise<string | null> {
  const page = await memory.read(base, PROBE_BYTES);
  if (!page || page.length < 64 || page.readUInt32BE(0) !== 0x7f454c46) return null;
  let header;
  try {
    header = parseElfHeader('', page);
  } catch {
    // Bytes that only begin like an ELF header (a corrupt or reused page) carry no build-id.
    return null;
  }
  const size = programHeaderSize(header.bits);
  for (let i = 0; i < header.phnum; i++) {
    const o = header.phoff + i * size;
    if (o + size > page.length) break;
    const { type, offset, filesz } = programHeaderAt(page, o, header.bits);
    if (type !== PT_NOTE) continue;
    const notes = await memory.read(base + BigInt(offset), Math.min(filesz, PROBE_BYTES));
    const id = notes ? findBuildIdNote(parseNotes(notes)) : null;
    if (id) return id;
  }
  return null;
}

const PROCESS_STRINGS_BYTES = 256 * 1024;
/** No argument list holds this many empty arguments in a row; the stack's padding does. */
const ZERO_RUN = 32;
const ENV_ENTRY = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The argument and environment strings the kernel copied to the top of the new process's stack:
 * argv's strings, then envp's, then the executable's name (AT_EXECFN). Read backwards from that
 * name: NAME=value strings are the environment; before them, argv ends where the strings joined
 * begin with what prpsinfo kept of the command line.
 */
async function processStrings(
  memory: CoreMemory,
  execfn: bigint | undefined,
  psArgs: string,
): Promise<{ argv: string[] | null; environment: string[] }> {
  const bytes = execfn !== undefined ? await memory.readBefore(execfn, PROCESS_STRINGS_BYTES) : null;
  if (!bytes || bytes.at(-1) !== 0) return { argv: null, environment: [] };
  // Most of what is read is the stack's zeroed padding below the strings, which would split into
  // a quarter of a million empty strings: the strings are looked for above it first.
  const above = afterLastZeroRun(bytes);
  if (above > 0) {
    const found = stringsOf(bytes.subarray(above), psArgs, true);
    if (found.argv) return found;
  }
  return stringsOf(bytes, psArgs, false);
}

/** Where the last run of ZERO_RUN or more NUL bytes ends; 0 when there is none. */
function afterLastZeroRun(bytes: Buffer): number {
  let run = 0;
  for (let i = bytes.length - 2; i >= 0; i--) {
    if (bytes[i] !== 0) run = 0;
    else if (++run === ZERO_RUN) {
      let end = i + run;
      while (bytes[end] === 0) end++;
      return end;
    }
  }
  return 0;
}

/**
 * argv and the environment in the NUL-terminated strings that end at AT_EXECFN. The first string
 * is whole only when the bytes begin just after a NUL; otherwise it may be the tail of one cut by
 * the read, and is not taken for argv[0].
 */
function stringsOf(bytes: Buffer, psArgs: string, firstIsWhole: boolean): { argv: string[] | null; environment: string[] } {
  const strings = bytes
    .subarray(0, bytes.length - 1)
    .toString('utf8')
    .split('\0');
  let envStart = strings.length;
  while (envStart > 1 && ENV_ENTRY.test(strings[envStart - 1] as string)) envStart--;
  const environment = strings.slice(envStart);
  // prpsinfo's copy is cut at 80 bytes, sometimes inside a character, which decodes as U+FFFD.
  const prefix = psArgs.trimEnd().replace(/\uFFFD+$/, '');
  if (!prefix) return { argv: null, environment };
  for (let i = envStart - 1; i >= (firstIsWhole ? 0 : 1); i--) {
    if (joinedStartsWith(strings, i, envStart, prefix)) return { argv: strings.slice(i, envStart), environment };
  }
  return { argv: null, environment };
}

/**
 * Whether strings[from..to) joined by spaces begins with `prefix`, reading no more of them than
 * the prefix is long: the search above stays linear over a hundred thousand strings.
 */
function joinedStartsWith(strings: string[], from: number, to: number, prefix: string): boolean {
  let head = '';
  for (let i = from; i < to && head.length < prefix.length; i++) head += (i > from ? ' ' : '') + strings[i];
  return head.startsWith(prefix);
}

function groupModules(mappings: FileMapping[]): Map<string, { start: bigint; end: bigint; base: bigint | null }> {
  const modules = new Map<string, { start: bigint; end: bigint; base: bigint | null }>();
  for (const m of mappings) {
    const known = modules.get(m.path);
    const base = m.fileOffset === 0n ? m.start : null;
    if (!known) modules.set(m.path, { start: m.start, end: m.end, base });
    else {
      if (m.start < known.start) known.start = m.start;
      if (m.end > known.end) known.end = m.end;
      if (known.base === null) known.base = base;
    }
  }
  return modules;
}

async function readNotes(file: BoundedFile, segments: ProgramHeader[]): Promise<Note[]> {
  const notes: Note[] = [];
  for (const seg of segments.filter((s) => s.type === PT_NOTE)) {
    if (seg.filesz > MAX_NOTES_BYTES)
      throw new ElfFormatError(file.path, `note segment of ${seg.filesz} bytes is implausibly large; the core is corrupt`);
    const bytes = await file.read(seg.offset, seg.filesz);
    if (bytes.length < seg.filesz) {
      throw new ElfFormatError(
        file.path,
        `truncated: the core ends at byte ${file.size}, before its notes (which end at ${seg.offset + seg.filesz}); the dump was cut off while being written — there is nothing to analyse`,
      );
    }
    for (const note of parseNotes(bytes)) notes.push(note);
    if (notes.length >= MAX_NOTES)
      throw new ElfFormatError(file.path, `more than ${MAX_NOTES} notes is not a plausible core; it is corrupt`);
  }
  return notes;
}

/** Reads what a core says about the crash, without a debugger, in a few small reads. */
export async function readCore(path: string): Promise<CoreInfo> {
  const file = await BoundedFile.open(path);
  try {
    const { header, segments } = await readElfHeaders(file);
    if (header.type === ET_EXEC || header.type === ET_DYN) {
      throw new ElfFormatError(path, ERRORS.notCore(header.type === ET_EXEC ? 'executable' : 'shared object or PIE executable'));
    }
    if (header.type !== ET_CORE) throw new ElfFormatError(path, `ELF type ${header.type} is not a core dump`);
    const notes = await readNotes(file, segments);
    const threads = notes
      .filter((n) => n.type === NT_PRSTATUS && n.name === 'CORE')
      .map((n) => parsePrStatus(n.desc, header.machine, header.bits))
      .filter((t): t is PrStatus => t !== null);
    const first = threads[0];
    if (!first) throw new ElfFormatError(path, 'the core has no thread status notes (NT_PRSTATUS); it is corrupt or not a process core');
    const psinfo = notes.find((n) => n.type === NT_PRPSINFO && n.name === 'CORE');
    const ps = psinfo ? parsePrPsInfo(psinfo.desc, header.bits) : null;
    const siginfoNote = notes.find((n) => n.type === NT_SIGINFO && n.name === 'CORE');
    const siginfo = siginfoNote ? parseSigInfo(siginfoNote.desc, header.bits) : null;
    const auxvNote = notes.find((n) => n.type === NT_AUXV && n.name === 'CORE');
    const auxv = auxvNote ? parseAuxv(auxvNote.desc, header.bits) : new Map<number, bigint>();
    const fileNote = notes.find((n) => n.type === NT_FILE && n.name === 'CORE');
    const mappings = fileNote ? parseFileNote(fileNote.desc, header.bits) : [];

    const loads = segments.filter((s) => s.type === PT_LOAD);
    const memory = new CoreMemory(file, loads);
    const expected = Math.max(0, ...segments.map((s) => s.offset + s.filesz));
    const pid = ps?.pid ?? first.tid;
    const sp = first.registers[machineOf(header.machine)?.stackPointer ?? 'sp'];

    const entry = auxv.get(Number(AT_ENTRY));
    const execMapping = entry !== undefined ? mappings.find((m) => entry >= m.start && entry < m.end) : undefined;
    const execfnAddress = auxv.get(Number(AT_EXECFN));
    const execfn = execfnAddress !== undefined ? await memory.cString(execfnAddress) : null;
    const executablePath = execMapping?.path ?? (execfn && execfn.startsWith('/') ? execfn : null);
    const { argv, environment } = await processStrings(memory, execfnAddress, ps?.args ?? '');

    const modules: CoreModule[] = [];
    for (const [modulePath, range] of groupModules(mappings)) {
      const buildId = range.base !== null ? await buildIdInMemory(memory, range.base) : null;
      modules.push({ path: modulePath, start: range.start, end: range.end, buildId, loadedAs: [] });
    }
    const vdso = auxv.get(AT_SYSINFO_EHDR);
    const vdsoSegment = vdso !== undefined ? loads.find((l) => l.vaddr === vdso) : undefined;
    if (vdso !== undefined && vdsoSegment && !modules.some((m) => vdso >= m.start && vdso < m.end)) {
      const buildId = await buildIdInMemory(memory, vdso);
      modules.push({ path: VDSO_NAME, start: vdso, end: vdso + BigInt(vdsoSegment.memsz), buildId, loadedAs: [] });
    }
    for (const loaded of await loadedObjects(memory, auxv, header.bits)) {
      const m = modules.find((x) => loaded.dynamic >= x.start && loaded.dynamic < x.end);
      if (m && loaded.name !== m.path && !m.loadedAs.includes(loaded.name)) m.loadedAs.push(loaded.name);
    }

    return {
      path,
      size: file.size,
      machine: header.machine,
      pid,
      uid: ps?.uid ?? null,
      command: ps?.command ?? '',
      commandLine: ps?.args ?? '',
      signal: describeSignal({
        signo: siginfo?.signo ?? first.signal,
        code: siginfo?.code ?? 0,
        faultAddress: siginfo?.address ?? null,
        senderPid: siginfo?.senderPid ?? null,
        stackPointer: sp !== undefined ? BigInt(sp) : null,
        pid,
      }),
      threads,
      crashingThreadId: first.tid,
      executablePath,
      argv,
      environment,
      mappings,
      modules,
      truncation: expected > file.size ? { expected, actual: file.size } : null,
      dumpTime: null,
    };
  } catch (error) {
    // A length or offset in the notes that points outside them: corrupt, however it came about.
    if (error instanceof RangeError) throw new ElfFormatError(path, `its notes are malformed (${error.message}); the core is corrupt`);
    throw error;
  } finally {
    await file.close();
  }
}

/** The module that holds an address: a file the core maps there, or one only in memory (the vdso). */
export function moduleAt(core: Pick<CoreInfo, 'mappings' | 'modules'>, address: bigint): string | null {
  const hit = core.mappings.find((m) => address >= m.start && address < m.end);
  return hit?.path ?? core.modules.find((m) => address >= m.start && address < m.end)?.path ?? null;
}
