import { withFile } from '../platform/bounded-file';
import { CfiTable, LINE_WIDTH, NumberTable } from './sym-tables';

/**
 * A Breakpad symbol file (`.sym`), as dump_syms writes it for PDB, Mach-O and ELF modules:
 * MODULE, FILE, INLINE_ORIGIN, FUNC with its line records and INLINE records, PUBLIC, and the
 * unwind rules STACK CFI and STACK WIN. Addresses are offsets from the module's base.
 */
export interface SymInline {
  depth: number;
  callLine: number;
  callFile: number;
  origin: number;
  ranges: [address: number, size: number][];
}

export interface SymFunction {
  address: number;
  size: number;
  name: string;
  /** Its line records: `lineCount` rows of the file's `lines` from `firstLine`, in address order. */
  firstLine: number;
  lineCount: number;
  inlines: SymInline[];
}

/** A STACK WIN record: Windows x86 frame data (type 4, with a program) or FPO data (type 0). */
export interface WinEntry {
  type: number;
  address: number;
  size: number;
  parameterSize: number;
  savedRegisterSize: number;
  localSize: number;
  program: string | null;
  allocatesBasePointer: boolean;
}

export interface SymbolFile {
  module: { os: string; arch: string; id: string; name: string };
  files: Map<number, string>;
  origins: Map<number, string>;
  functions: SymFunction[];
  /** Every function's line records (address, size, line, file), LINE_WIDTH numbers a row. */
  lines: NumberTable;
  publics: { address: number; name: string }[];
  cfi: CfiTable;
  win: WinEntry[];
  /** Lines that were not understood, with their numbers: the rest of the file is still used. */
  problems: { line: number; message: string }[];
  problemCount: number;
}

export class SymbolFileError extends Error {}

const MAX_PROBLEMS_KEPT = 20;
/** A symbol file is read whole; past this it is no symbol file a module could have. */
const MAX_SYMBOL_FILE_BYTES = 4 * 1024 ** 3 - 1;
const HEX = /^[0-9a-fA-F]+$/;
const DEC = /^-?\d+$/;
const LF = 0x0a;
const CR = 0x0d;
const S = 0x53;
const F = 0x46;
const P = 0x50;
const PUBLIC = Buffer.from('PUBLIC ');
/**
 * About how many bytes of a large file each line record and each STACK CFI record take, where
 * they fill it: the tables start that large. Untouched room costs address space, not memory.
 */
const LINE_RECORD_BYTES = 24;
const CFI_RECORD_BYTES = 96;
const MAX_INITIAL_ROWS = 1 << 26;
const expectedRows = (bytes: number, perRecord: number): number => Math.min(MAX_INITIAL_ROWS, Math.max(1024, Math.ceil(bytes / perRecord)));

/** Most functions inline nothing: they share this empty list until their first INLINE record. */
const NO_INLINES: SymInline[] = Object.freeze([]) as unknown as SymInline[];
const STACK_CFI = Buffer.from('STACK CFI ');
const FUNC = Buffer.from('FUNC ');
const FOLDED = Buffer.from('m ');
const INIT = Buffer.from('INIT ');

const SPACE = 0x20;
/** hex and dec fields take at most this many digits: past it a number loses precision. */
const MAX_HEX_DIGITS = 13;
const MAX_DEC_DIGITS = 15;

/**
 * Where the field just read ended, past its space: one number the hot loop reuses rather than
 * allocating a result, and local to this module, which reads it most of all.
 */
let cursor = 0;

/** Each byte's value as a hex digit; -1 for a byte that is none. */
const HEX_VALUE = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX_VALUE[0x30 + c] = c;
for (let c = 0; c < 6; c++) HEX_VALUE[0x61 + c] = HEX_VALUE[0x41 + c] = 10 + c;

/** A hex number from `start` to the next space or `end`; NaN when it is none. Sets `cursor` past the space. */
function hexField(bytes: Buffer, start: number, end: number): number {
  let value = 0;
  let at = start;
  for (; at < end; at++) {
    const c = bytes[at] as number;
    if (c === SPACE) break;
    const digit = HEX_VALUE[c] as number;
    if (digit < 0) return NaN;
    value = value * 16 + digit;
  }
  if (at === start || at - start > MAX_HEX_DIGITS) return NaN;
  cursor = at + 1;
  return value;
}

/** A decimal number, perhaps negative, from `start` to the next space or `end`; NaN when it is none. */
function decField(bytes: Buffer, start: number, end: number): number {
  const negative = bytes[start] === 0x2d;
  const first = negative ? start + 1 : start;
  let value = 0;
  let at = first;
  for (; at < end; at++) {
    const c = bytes[at] as number;
    if (c === SPACE) break;
    if (c < 0x30 || c > 0x39) return NaN;
    value = value * 10 + (c - 0x30);
  }
  if (at === first || at - start > MAX_DEC_DIGITS) return NaN;
  cursor = at + 1;
  return negative ? -value : value;
}

function startsWith(bytes: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
  return true;
}

/** How dump_syms begins a line record; upper-case hex is left to the string path, where it cannot be taken for FILE or FUNC. */
const startsLineRecord = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);

const hex = (s: string | undefined): number | null => (s !== undefined && HEX.test(s) && s.length <= 13 ? parseInt(s, 16) : null);
const dec = (s: string | undefined): number | null => (s !== undefined && DEC.test(s) && s.length <= 15 ? Number(s) : null);

/** Splits off `count` space-separated fields; the rest of the line (a name with spaces) is the last part. */
function fields(line: string, count: number): string[] | null {
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const space = line.indexOf(' ', at);
    if (space === -1) return null;
    out.push(line.slice(at, space));
    at = space + 1;
  }
  out.push(line.slice(at));
  return out;
}

/**
 * Reads a symbol file's bytes line by line. Line records and STACK CFI, which make up most of a
 * large file, are read from the bytes into tables; the other records, few and holding names,
 * as strings.
 */
class SymbolFileParser {
  private readonly file: SymbolFile;
  private lineNumber = 0;
  private current: SymFunction | null = null;

  /** `bytes`: the file's size, from which the tables are sized once rather than grown by copying. */
  constructor(
    private readonly source: string,
    bytes: number,
  ) {
    this.file = {
      module: { os: '', arch: '', id: '', name: '' },
      files: new Map(),
      origins: new Map(),
      functions: [],
      lines: new NumberTable(LINE_WIDTH, expectedRows(bytes, LINE_RECORD_BYTES)),
      publics: [],
      cfi: new CfiTable(expectedRows(bytes, CFI_RECORD_BYTES)),
      win: [],
      problems: [],
      problemCount: 0,
    };
  }

  private problem(message: string): void {
    this.file.problemCount++;
    if (this.file.problems.length < MAX_PROBLEMS_KEPT) this.file.problems.push({ line: this.lineNumber, message });
  }

  /** One line, from `start` to `end` (its newline left out). */
  line(bytes: Buffer, start: number, end: number): void {
    if (end > start && bytes[end - 1] === CR) end--;
    this.lineNumber++;
    const first = bytes[start];
    if (this.lineNumber > 1 && first !== undefined) {
      if (startsLineRecord(first)) return this.lineRecordBytes(bytes, start, end);
      if (first === S && startsWith(bytes, start, end, STACK_CFI)) return this.cfiBytes(bytes, start + STACK_CFI.length, end);
      if (first === F && startsWith(bytes, start, end, FUNC)) return this.funcBytes(bytes, start + FUNC.length, end);
      if (first === P && startsWith(bytes, start, end, PUBLIC)) return this.publicBytes(bytes, start + PUBLIC.length, end);
    }
    this.text(bytes.toString('utf8', start, end));
  }

  private lineRecordBytes(bytes: Buffer, start: number, end: number): void {
    const address = hexField(bytes, start, end);
    const size = Number.isNaN(address) ? NaN : hexField(bytes, cursor, end);
    const line = Number.isNaN(size) ? NaN : decField(bytes, cursor, end);
    const file = Number.isNaN(line) ? NaN : decField(bytes, cursor, end);
    if (Number.isNaN(file) || cursor !== end + 1) return this.problem('malformed line record');
    this.addLine(address, size, line, file);
  }

  /** `FUNC [m] address size parameter_size name`, from after `FUNC `. */
  private funcBytes(bytes: Buffer, start: number, end: number): void {
    // `FUNC m` marks a function whose address another shares (identical code folded): the same record otherwise.
    const from = startsWith(bytes, start, end, FOLDED) ? start + FOLDED.length : start;
    const address = hexField(bytes, from, end);
    const size = Number.isNaN(address) ? NaN : hexField(bytes, cursor, end);
    const parameters = Number.isNaN(size) ? NaN : hexField(bytes, cursor, end);
    if (Number.isNaN(parameters) || cursor > end) {
      this.current = null;
      return this.problem('malformed FUNC record');
    }
    this.current = {
      address,
      size,
      name: bytes.toString('utf8', cursor, end),
      firstLine: this.file.lines.rows,
      lineCount: 0,
      inlines: NO_INLINES,
    };
    this.file.functions.push(this.current);
  }

  /** `PUBLIC [m] address parameter_size name`, from after `PUBLIC `. */
  private publicBytes(bytes: Buffer, start: number, end: number): void {
    const from = startsWith(bytes, start, end, FOLDED) ? start + FOLDED.length : start;
    const address = hexField(bytes, from, end);
    const parameters = Number.isNaN(address) ? NaN : hexField(bytes, cursor, end);
    if (Number.isNaN(parameters) || cursor > end) return this.problem('malformed PUBLIC record');
    this.file.publics.push({ address, name: bytes.toString('utf8', cursor, end) });
  }

  private addLine(address: number, size: number, line: number, file: number): void {
    if (!this.current) return this.problem('a line record outside any FUNC');
    this.file.lines.add4(address, size, line, file);
    this.current.lineCount++;
  }

  /** `STACK CFI INIT address size rules` or `STACK CFI address rules`, from after `STACK CFI `. */
  private cfiBytes(bytes: Buffer, start: number, end: number): void {
    if (startsWith(bytes, start, end, INIT)) {
      const address = hexField(bytes, start + INIT.length, end);
      const size = Number.isNaN(address) ? NaN : hexField(bytes, cursor, end);
      if (Number.isNaN(size) || cursor > end) return this.problem('malformed STACK CFI INIT record');
      this.file.cfi.addEntry(address, size, cursor, end);
      return;
    }
    const address = hexField(bytes, start, end);
    if (Number.isNaN(address) || cursor > end) return this.problem('malformed STACK CFI record');
    if (!this.file.cfi.addDelta(address, cursor, end)) this.problem('a STACK CFI record before any STACK CFI INIT');
  }

  private text(line: string): void {
    if (this.lineNumber === 1) {
      const parts = line.split(' ');
      if (parts[0] !== 'MODULE' || parts.length < 5)
        throw new SymbolFileError(`${this.source} is not a Breakpad symbol file: its first line should be "MODULE os arch id name"`);
      this.file.module = { os: parts[1] ?? '', arch: parts[2] ?? '', id: parts[3] ?? '', name: parts.slice(4).join(' ') };
      return;
    }
    if (line === '') return;
    const space = line.indexOf(' ');
    const keyword = space === -1 ? line : line.slice(0, space);
    switch (keyword) {
      case 'FILE':
      case 'INLINE_ORIGIN':
        return this.named(line, keyword);
      // Records with fields are read from the bytes (funcBytes, publicBytes); a bare keyword has none.
      case 'FUNC':
        this.current = null;
        return this.problem('malformed FUNC record');
      case 'PUBLIC':
        return this.problem('malformed PUBLIC record');
      case 'INLINE':
        return this.inline(line);
      case 'STACK':
        return this.stackWin(line);
      case 'INFO':
        return;
      default:
        if (HEX.test(keyword)) return this.lineRecord(line);
        this.problem(`unknown record "${keyword.slice(0, 40)}"`);
    }
  }

  private named(line: string, keyword: 'FILE' | 'INLINE_ORIGIN'): void {
    const parts = fields(line, 2);
    const id = dec(parts?.[1]);
    if (!parts || id === null) return this.problem(`malformed ${keyword} record`);
    (keyword === 'FILE' ? this.file.files : this.file.origins).set(id, parts[2] ?? '');
  }

  private lineRecord(line: string): void {
    const parts = line.split(' ');
    const [address, size, number, file] = [hex(parts[0]), hex(parts[1]), dec(parts[2]), dec(parts[3])];
    if (parts.length !== 4 || address === null || size === null || number === null || file === null)
      return this.problem('malformed line record');
    this.addLine(address, size, number, file);
  }

  private inline(line: string): void {
    const parts = line.split(' ');
    const numbers = parts.slice(1, 5).map(dec);
    const ranges: [number, number][] = [];
    for (let i = 5; i + 1 < parts.length; i += 2) {
      const address = hex(parts[i]);
      const size = hex(parts[i + 1]);
      if (address === null || size === null) return this.problem('malformed INLINE range');
      ranges.push([address, size]);
    }
    if (numbers.some((n) => n === null) || ranges.length === 0 || (parts.length - 5) % 2 !== 0)
      return this.problem('malformed INLINE record');
    if (!this.current) return this.problem('an INLINE record outside any FUNC');
    const [depth, callLine, callFile, origin] = numbers as number[];
    if (this.current.inlines === NO_INLINES) this.current.inlines = [];
    this.current.inlines.push({ depth: depth ?? 0, callLine: callLine ?? 0, callFile: callFile ?? 0, origin: origin ?? 0, ranges });
  }

  private stackWin(line: string): void {
    if (line.startsWith('STACK CFI ')) this.problem('malformed STACK CFI record');
    else if (line.startsWith('STACK WIN ')) {
      const parts = fields(line.slice(10), 10);
      const numbers = parts?.slice(0, 10).map(hex) ?? [];
      if (!parts || numbers.some((n) => n === null)) return this.problem('malformed STACK WIN record');
      const [type, address, size, , , parameterSize, savedRegisterSize, localSize, , hasProgram] = numbers as number[];
      const rest = parts[10] ?? '';
      this.file.win.push({
        type: type ?? 0,
        address: address ?? 0,
        size: size ?? 0,
        parameterSize: parameterSize ?? 0,
        savedRegisterSize: savedRegisterSize ?? 0,
        localSize: localSize ?? 0,
        program: hasProgram ? rest : null,
        allocatesBasePointer: !hasProgram && rest.trim() === '1',
      });
    } else this.problem('unknown STACK record');
  }

  finish(text: Buffer): SymbolFile {
    if (this.lineNumber === 0) throw new SymbolFileError(`${this.source} is empty, not a Breakpad symbol file`);
    const byAddress = <T extends { address: number }>(a: T, b: T) => a.address - b.address;
    const inOrder = <T extends { address: number }>(items: T[]): void => {
      for (let i = 1; i < items.length; i++) if ((items[i - 1] as T).address > (items[i] as T).address) return void items.sort(byAddress);
    };
    inOrder(this.file.functions);
    this.file.lines.trim();
    for (const f of this.file.functions) this.file.lines.sortRange(f.firstLine, f.lineCount);
    inOrder(this.file.publics);
    this.file.cfi.finish(text);
    inOrder(this.file.win);
    return this.file;
  }
}

/** Parses a whole symbol file held in memory. */
export function parseSymbolBytes(bytes: Buffer, source = 'symbol file'): SymbolFile {
  const parser = new SymbolFileParser(source, bytes.length);
  let start = 0;
  for (let nl = bytes.indexOf(LF); nl !== -1; nl = bytes.indexOf(LF, start)) {
    parser.line(bytes, start, nl);
    start = nl + 1;
  }
  if (start < bytes.length) parser.line(bytes, start, bytes.length);
  return parser.finish(bytes);
}

export function parseSymbolText(text: string, source = 'symbol file'): SymbolFile {
  return parseSymbolBytes(Buffer.from(text, 'utf8'), source);
}

/**
 * Reads a symbol file whole and parses it: dump_syms output for a large library runs to hundreds
 * of megabytes, and its CFI rules are read later from these very bytes.
 */
export async function readSymbolFile(path: string): Promise<SymbolFile> {
  const bytes = await withFile(path, async (file) => {
    if (file.size > MAX_SYMBOL_FILE_BYTES)
      throw new SymbolFileError(`${path} is ${file.size} bytes, more than any symbol file a module has`);
    return file.read(0, file.size);
  });
  return parseSymbolBytes(bytes, path);
}
