import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * A Breakpad symbol file (`.sym`), as dump_syms writes it for PDB, Mach-O and ELF modules:
 * MODULE, FILE, INLINE_ORIGIN, FUNC with its line records and INLINE records, PUBLIC, and the
 * unwind rules STACK CFI and STACK WIN. Addresses are offsets from the module's base.
 */
export interface SymLine {
  address: number;
  size: number;
  line: number;
  file: number;
}

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
  lines: SymLine[];
  inlines: SymInline[];
}

export interface CfiEntry {
  address: number;
  size: number;
  rules: string;
  /** Rules that change from an address on, in address order. */
  deltas: { address: number; rules: string }[];
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
  publics: { address: number; name: string }[];
  cfi: CfiEntry[];
  win: WinEntry[];
  /** Lines that were not understood, with their numbers: the rest of the file is still used. */
  problems: { line: number; message: string }[];
  problemCount: number;
}

export class SymbolFileError extends Error {}

const MAX_PROBLEMS_KEPT = 20;
const HEX = /^[0-9a-fA-F]+$/;
const DEC = /^-?\d+$/;

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

export class SymbolFileParser {
  private readonly file: SymbolFile = {
    module: { os: '', arch: '', id: '', name: '' },
    files: new Map(),
    origins: new Map(),
    functions: [],
    publics: [],
    cfi: [],
    win: [],
    problems: [],
    problemCount: 0,
  };
  private lineNumber = 0;
  private current: SymFunction | null = null;
  private currentCfi: CfiEntry | null = null;

  constructor(private readonly source: string) {}

  private problem(message: string): void {
    this.file.problemCount++;
    if (this.file.problems.length < MAX_PROBLEMS_KEPT) this.file.problems.push({ line: this.lineNumber, message });
  }

  push(raw: string): void {
    this.lineNumber++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
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
      case 'FUNC':
        return this.func(line);
      case 'PUBLIC':
        return this.publicSymbol(line);
      case 'INLINE':
        return this.inline(line);
      case 'STACK':
        return this.stack(line);
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

  private func(line: string): void {
    // `FUNC m` marks a function whose address another shares (identical code folded): the same record otherwise.
    const parts = fields(line.startsWith('FUNC m ') ? `FUNC ${line.slice(7)}` : line, 4);
    const address = hex(parts?.[1]);
    const size = hex(parts?.[2]);
    if (!parts || address === null || size === null || hex(parts[3]) === null) {
      this.current = null;
      return this.problem('malformed FUNC record');
    }
    this.current = { address, size, name: parts[4] ?? '', lines: [], inlines: [] };
    this.file.functions.push(this.current);
  }

  private publicSymbol(line: string): void {
    const parts = fields(line.startsWith('PUBLIC m ') ? `PUBLIC ${line.slice(9)}` : line, 3);
    const address = hex(parts?.[1]);
    if (!parts || address === null || hex(parts[2]) === null) return this.problem('malformed PUBLIC record');
    this.file.publics.push({ address, name: parts[3] ?? '' });
  }

  private lineRecord(line: string): void {
    const parts = line.split(' ');
    const [address, size, number, file] = [hex(parts[0]), hex(parts[1]), dec(parts[2]), dec(parts[3])];
    if (parts.length !== 4 || address === null || size === null || number === null || file === null)
      return this.problem('malformed line record');
    if (!this.current) return this.problem('a line record outside any FUNC');
    this.current.lines.push({ address, size, line: number, file });
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
    this.current.inlines.push({ depth: depth ?? 0, callLine: callLine ?? 0, callFile: callFile ?? 0, origin: origin ?? 0, ranges });
  }

  private stack(line: string): void {
    if (line.startsWith('STACK CFI INIT ')) {
      const parts = fields(line.slice(15), 2);
      const address = hex(parts?.[0]);
      const size = hex(parts?.[1]);
      if (!parts || address === null || size === null) return this.problem('malformed STACK CFI INIT record');
      this.currentCfi = { address, size, rules: parts[2] ?? '', deltas: [] };
      this.file.cfi.push(this.currentCfi);
    } else if (line.startsWith('STACK CFI ')) {
      const parts = fields(line.slice(10), 1);
      const address = hex(parts?.[0]);
      if (!parts || address === null) return this.problem('malformed STACK CFI record');
      if (!this.currentCfi) return this.problem('a STACK CFI record before any STACK CFI INIT');
      this.currentCfi.deltas.push({ address, rules: parts[1] ?? '' });
    } else if (line.startsWith('STACK WIN ')) {
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

  finish(): SymbolFile {
    if (this.lineNumber === 0) throw new SymbolFileError(`${this.source} is empty, not a Breakpad symbol file`);
    const byAddress = <T extends { address: number }>(a: T, b: T) => a.address - b.address;
    this.file.functions.sort(byAddress);
    for (const f of this.file.functions) f.lines.sort(byAddress);
    this.file.publics.sort(byAddress);
    this.file.cfi.sort(byAddress);
    for (const entry of this.file.cfi) entry.deltas.sort(byAddress);
    this.file.win.sort(byAddress);
    return this.file;
  }
}

export function parseSymbolText(text: string, source = 'symbol file'): SymbolFile {
  const parser = new SymbolFileParser(source);
  for (const line of text.split('\n')) parser.push(line);
  return parser.finish();
}

/** Reads a symbol file line by line: dump_syms output for a large library runs to hundreds of megabytes. */
export async function readSymbolFile(path: string): Promise<SymbolFile> {
  const parser = new SymbolFileParser(path);
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  try {
    for await (const line of lines) parser.push(line);
  } finally {
    lines.close();
  }
  return parser.finish();
}
