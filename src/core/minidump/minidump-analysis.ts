import type { AnalysisWarning, FileOrigin, Frame, Module, Thread } from '../../shared/model';
import { fileName } from '../../shared/frame-label';
import { symStorePath } from '../symbols/breakpad-fetch';
import { loadBreakpadSymbols, type SymbolSearch } from '../breakpad/sym-locate';
import { withFile } from '../platform/bounded-file';
import type { CoreModule } from '../elf/core-file';
import { PT_LOAD, readElfHeaders } from '../elf/elf-headers';
import { walkMinidump } from './minidump-stacks';
import { MAX_WALK_FRAMES } from './stack-walker';

/**
 * A minidump's stacks: the debugger's (lldb) where it does well, the workbench's own walk with
 * Breakpad symbols where the debugger stops early, names less, or starts elsewhere.
 */
export interface MinidumpStacks {
  walked: Map<number, Frame[]>;
  /** By thread: the registers the walk recovered for each frame past #0. */
  frameRegisters: Map<number, Record<string, Record<string, string>>>;
  /** Threads whose walk the dump's frame budget stopped. */
  cut: Set<number>;
  /** The symbol file each module (by its recorded path) was named from. */
  symbolFiles: Map<string, UsedSymbolFile>;
  warnings: AnalysisWarning[];
}

export interface UsedSymbolFile {
  path: string;
  origin: FileOrigin;
  /** Whether it has line records: the Modules tab then says "debug info", not only "symbols". */
  hasLines: boolean;
}

export async function walkWithSymbols(
  path: string,
  modules: CoreModule[],
  search: SymbolSearch,
  hostPaths: Map<string, string> = new Map(),
): Promise<MinidumpStacks> {
  const { found, warnings } = await loadBreakpadSymbols(modules, search);
  const extents = await withElfExtents(modules, hostPaths);
  const {
    stacks: walked,
    frameRegisters,
    cut,
  } = await walkMinidump(path, extents, new Map([...found].map(([m, f]) => [extents[modules.indexOf(m)] ?? m, f])));
  const symbolFiles = new Map(
    [...found].map(([m, f]) => [
      m.path,
      { path: f.path, origin: f.origin, hasLines: f.symbols.file.functions.some((fn) => fn.lineCount > 0) },
    ]),
  );
  const budgetWarning: AnalysisWarning[] = cut.size
    ? [
        {
          kind: 'truncated-core',
          message: `${cut.size} threads' stacks were walked only in part: the dump's threads point at the same stack memory, as no real dump's do, and a walk does no more work than the file's size allows`,
        },
      ]
    : [];
  return { walked, frameRegisters, cut, symbolFiles, warnings: [...warnings, ...budgetWarning] };
}

/**
 * Modules as far as their ELF files map them. lldb's minidump writer records only a module's
 * first segment as its size, which would put every return address into its code outside it.
 */
async function withElfExtents(modules: CoreModule[], hostPaths: Map<string, string>): Promise<CoreModule[]> {
  return Promise.all(
    modules.map(async (m) => {
      const host = hostPaths.get(m.path);
      if (!host) return m;
      const loads = await withFile(host, async (file) => (await readElfHeaders(file)).segments.filter((s) => s.type === PT_LOAD)).catch(
        () => [],
      );
      if (loads.length === 0) return m;
      const low = loads.reduce((min, s) => (s.vaddr < min ? s.vaddr : min), loads[0]?.vaddr ?? 0n);
      const high = loads.reduce((max, s) => (s.vaddr + BigInt(s.memsz) > max ? s.vaddr + BigInt(s.memsz) : max), 0n);
      const end = m.start + (high - (low & ~0xfffn));
      return end > m.end ? { ...m, end } : m;
    }),
  );
}

const named = (frames: Frame[]) => frames.filter((f) => f.function !== null).length;
const sameAddress = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && BigInt(a) === BigInt(b);

/** The debugger's frames without a function read `module + offset` too, as the walk's do. */
function withOffsets(frames: Frame[], modules: CoreModule[]): Frame[] {
  return frames.map((f) => {
    if (f.function !== null || f.moduleOffset || !/^0x[0-9a-f]+$/i.test(f.address)) return f;
    const address = BigInt(f.address);
    const module = modules.find((m) => address >= m.start && address < m.end);
    return module ? { ...f, module: f.module ?? module.path, moduleOffset: `0x${(address - module.start).toString(16)}` } : f;
  });
}

/**
 * Per thread, the walk replaces the debugger's stack when the debugger has none, starts at another
 * address, names fewer frames, or (naming as many) has no more frames than the walk.
 * The debugger's stack keeps its locals; a replaced one keeps its registers.
 */
export function chooseStacks(
  threads: Thread[],
  stacks: Pick<MinidumpStacks, 'walked' | 'frameRegisters' | 'cut'>,
  modules: CoreModule[],
): { threads: Thread[]; replaced: number } {
  const walked = stacks.walked;
  let replaced = 0;
  const out = threads.map((thread) => {
    const mine = walked.get(thread.id);
    const theirs = withOffsets(thread.frames, modules);
    const better =
      mine !== undefined &&
      mine.length > 0 &&
      (theirs.length === 0 ||
        !sameAddress(theirs[0]?.address, mine[0]?.address) ||
        named(mine) > named(theirs) ||
        // Naming as many, the walk goes as far or further: it reads the dump as Breakpad, the
        // reference for minidumps, does, and says how each frame was found.
        (named(mine) === named(theirs) && mine.length >= theirs.length));
    if (!better) return { ...thread, frames: theirs };
    replaced++;
    return {
      ...thread,
      frames: mine,
      framesTruncated: mine.length >= MAX_WALK_FRAMES || stacks.cut.has(thread.id),
      locals: {},
      frameRegisters: stacks.frameRegisters.get(thread.id) ?? {},
    };
  });
  return { threads: out, replaced };
}

/** Modules whose Breakpad symbols were found say so, and where from, in the Modules tab. */
export function withSymbolFiles(modules: Module[], symbolFiles: Map<string, UsedSymbolFile>): Module[] {
  return modules.map((m) => {
    const found = symbolFiles.get(m.path);
    if (!found) return m;
    return {
      ...m,
      debugFile: found.path,
      symbols: found.hasLines ? 'debug-info' : 'symbols',
      origin: { file: m.origin?.file ?? null, debug: found.origin },
    };
  });
}

/**
 * The executable's warnings, said for a minidump: none where its Breakpad symbols were found; for
 * a Windows or macOS module, what to give instead of an ELF file that cannot exist here.
 */
export function minidumpWarnings(
  warnings: AnalysisWarning[],
  modules: CoreModule[],
  executable: string | null,
  symbolFiles: Map<string, UsedSymbolFile>,
): AnalysisWarning[] {
  const exe = modules.find((m) => m.path === executable);
  const aboutExe = (w: AnalysisWarning) => w.kind === 'executable-missing' || w.kind === 'no-debug-info';
  if (!exe) return warnings;
  if (symbolFiles.has(exe.path)) return warnings.filter((w) => !aboutExe(w));
  if (exe.buildId || !exe.debugId) return warnings;
  const debugName = exe.debugName || fileName(exe.path);
  return [
    ...warnings.filter((w) => !aboutExe(w)),
    {
      kind: 'no-debug-info',
      message: `no Breakpad symbols for ${exe.path} (debug file ${debugName}, id ${exe.debugId}): its frames read module + offset. Put ${symStorePath(debugName, exe.debugId).join('/')} under a --debug-dir folder, or add a symbol server that serves that layout.`,
    },
  ];
}
