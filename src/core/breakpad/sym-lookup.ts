import type { SymbolFile, SymFunction, WinEntry } from './sym-file';
import { lastRowAtOrBefore, type NumberTable } from './sym-tables';

/** Inlined calls shown at one address; real code nests a few dozen at most. */
export const MAX_INLINE_DEPTH = 256;

/** What a symbol file says about one address: the function with its inlined calls, innermost first. */
export interface SymbolizedFrame {
  function: string;
  file: string | null;
  line: number | null;
  inline: boolean;
}

/** The last entry at or before `address`, by binary search over entries sorted by address. */
function lastAtOrBefore<T extends { address: number }>(entries: T[], address: number): T | undefined {
  let lo = 0;
  let hi = entries.length - 1;
  let found: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const entry = entries[mid] as T;
    if (entry.address <= address) {
      found = entry;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The function's line record that covers `address`, if one does. */
function lineAt(lines: NumberTable, f: SymFunction, address: number): { line: number; file: number } | undefined {
  const row = lastRowAtOrBefore(lines, f.firstLine, f.lineCount, address);
  if (row < 0 || address >= lines.get(row, 0) + lines.get(row, 1)) return undefined;
  return { line: lines.get(row, 2), file: lines.get(row, 3) };
}

const RULES_CACHE_SIZE = 65_536;

const covers = (entry: { address: number; size: number } | undefined, rva: number): boolean =>
  entry !== undefined && rva >= entry.address && rva < entry.address + entry.size;

export class ModuleSymbols {
  /** Rules by entry and address: a walk asks again at every frame that returns to the same place. */
  private readonly rulesCache = new Map<number, Map<string, string> | null>();

  constructor(readonly file: SymbolFile) {}

  functionAt(rva: number): SymFunction | null {
    const f = lastAtOrBefore(this.file.functions, rva);
    return f && covers(f, rva) ? f : null;
  }

  /** Whether the address is in code the symbol file knows: a function, or after a public symbol. */
  knowsCode(rva: number): boolean {
    return this.functionAt(rva) !== null || lastAtOrBefore(this.file.publics, rva) !== undefined;
  }

  /** The frames at an address, innermost (the inlined callee) first; empty when the file does not know it. */
  frames(rva: number): SymbolizedFrame[] {
    const f = this.functionAt(rva);
    if (!f) {
      const symbol = lastAtOrBefore(this.file.publics, rva);
      return symbol ? [{ function: symbol.name, file: null, line: null, inline: false }] : [];
    }
    const here = lineAt(this.file.lines, f, rva);
    // The innermost calls, at most MAX_INLINE_DEPTH of them: a symbol file can claim any depth.
    const inlines = f.inlines
      .filter((i) => i.ranges.some(([address, size]) => rva >= address && rva < address + size))
      .sort((a, b) => b.depth - a.depth)
      .slice(0, MAX_INLINE_DEPTH);
    const fileName = (n: number | undefined) => (n === undefined ? null : (this.file.files.get(n) ?? null));
    // Each frame's location is where its callee was called: the innermost has the line record's.
    const frames: SymbolizedFrame[] = [];
    let file = fileName(here?.file);
    let line = here?.line ?? null;
    for (const inline of inlines) {
      frames.push({ function: this.file.origins.get(inline.origin) ?? `inline origin ${inline.origin}`, file, line, inline: true });
      file = fileName(inline.callFile);
      line = inline.callLine || null;
    }
    frames.push({ function: f.name, file, line, inline: false });
    return frames;
  }

  /** The CFI rules in force at an address: the INIT rules with every change up to it applied. */
  cfiRules(rva: number): Map<string, string> | null {
    const cached = this.rulesCache.get(rva);
    if (cached !== undefined) return cached;
    const rules = this.computeRules(rva);
    if (this.rulesCache.size >= RULES_CACHE_SIZE) this.rulesCache.clear();
    this.rulesCache.set(rva, rules);
    return rules;
  }

  private computeRules(rva: number): Map<string, string> | null {
    const cfi = this.file.cfi;
    const entry = cfi.entryAt(rva);
    if (entry < 0) return null;
    const rules = parseRules(cfi.rules(entry));
    for (const delta of cfi.deltasUpTo(entry, rva)) for (const [register, rule] of parseRules(delta)) rules.set(register, rule);
    return rules;
  }

  winEntry(rva: number): WinEntry | null {
    const entry = lastAtOrBefore(this.file.win, rva);
    return entry && covers(entry, rva) ? entry : null;
  }
}

/** "REG: expr REG: expr" into expressions by register, as STACK CFI records write them. */
export function parseRules(text: string): Map<string, string> {
  const rules = new Map<string, string>();
  let register: string | null = null;
  let expression: string[] = [];
  for (const token of text.split(/\s+/)) {
    if (token === '') continue;
    if (token.endsWith(':')) {
      if (register !== null) rules.set(register, expression.join(' '));
      register = token.slice(0, -1);
      expression = [];
    } else expression.push(token);
  }
  if (register !== null) rules.set(register, expression.join(' '));
  return rules;
}
