import { access, constants } from 'node:fs/promises';
import { basename, join, normalize } from 'node:path';
import type { AnalysisWarning, FileOrigin, Module, OriginKind, SymbolStatus } from '../../shared/model';
import type { CoreInfo, CoreModule } from '../elf/core-file';
import { inspectElfFile, type ElfFileFacts } from '../elf/elf-file';
import type { SymbolServer } from './debuginfod-client';
import type { SymbolCache } from './symbol-cache';
import { fetchFromServers, keyOf, type Found, type Wanted } from './symbol-lookup';

export const DEFAULT_DEBUG_DIR = '/usr/lib/debug';

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Debug directories to search, the user's first, the system's last, each once. */
export function debugSearchPath(debugDirs: string[]): string[] {
  return [...new Set([...debugDirs, DEFAULT_DEBUG_DIR])];
}

/**
 * The debug folders a debugger is told to search, in its order, each once: the inflated copies of
 * compressed debug files (plain-debug.ts) first, since it takes the first file of a build-id, then
 * the system's, then the user's.
 */
export function debuggerDebugDirs(debugDirs: string[], plainDebugDir?: string | null): string[] {
  return [...new Set([...(plainDebugDir ? [plainDebugDir] : []), DEFAULT_DEBUG_DIR, ...debugDirs])];
}

/** DIR/.build-id/ab/cdef…[.debug], the layout gdb, lldb and debuginfod agree on. */
export function buildIdPath(dir: string, buildId: string, debug: boolean): string {
  return join(dir, '.build-id', buildId.slice(0, 2), `${buildId.slice(2)}${debug ? '.debug' : ''}`);
}

export async function findDebugFile(buildId: string, debugDirs: string[]): Promise<string | null> {
  if (buildId.length < 4) return null;
  for (const dir of debugSearchPath(debugDirs)) {
    const candidate = buildIdPath(dir, buildId, true);
    if (await readable(candidate)) return candidate;
  }
  return null;
}

/** A recorded path under a sysroot; an absolute path normalized first cannot climb out of it with `..`. */
export function underSysroot(sysroot: string, recorded: string): string {
  return join(sysroot, normalize(`/${recorded}`));
}

async function inspectOrNull(path: string): Promise<ElfFileFacts | null> {
  try {
    return await inspectElfFile(path);
  } catch {
    return null;
  }
}

/** Where to look for a crash's files beyond the paths its core recorded. */
export interface SymbolSearch {
  executable?: string;
  debugDirs: string[];
  solibDirs: string[];
  sysroot: string | null;
  servers: SymbolServer[];
  /** Where fetched files are kept; it is also searched, as a debug directory and a build-id folder. */
  cache: SymbolCache | null;
  onProgress?: (message: string, fraction: number) => void;
}

export interface ProgramFiles {
  executable: string | null;
  executableBuildId: string | null;
  /** Whether the program found for the core was built by the Go toolchain (its `.go.buildinfo` section). */
  executableBuiltByGo: boolean;
  modules: Module[];
  /** Every mapped file found on this machine, by the path the core recorded: what the debuggers are shown. */
  libraries: { path: string; hostPath: string }[];
  /** Separate debug files of the very builds, whose DWARF is compressed: see plain-debug.ts. */
  compressedDebugFiles: CompressedDebugFile[];
  warnings: AnalysisWarning[];
}

export interface CompressedDebugFile {
  buildId: string;
  path: string;
  /** What its compressed sections come to once inflated. */
  inflatedBytes: number;
}

interface Candidate {
  path: string;
  origin: FileOrigin;
  /** Whether a build that differs may still be used (with a warning), for want of a better one. */
  fallback: boolean;
}

const origin = (kind: OriginKind, from: string): FileOrigin => ({ kind, from });

/**
 * A module that is no file ("[vdso]"): the core holds its image, and only its build-id can find a
 * copy. Its name is never looked up as a path, which would read a file of that name in the
 * current folder.
 */
export const inMemory = (m: Pick<CoreModule, 'path'>): boolean => m.path.startsWith('[');

/** Where one module may be, best first. */
function candidatesFor(m: CoreModule, isExe: boolean, search: SymbolSearch): Candidate[] {
  const out: Candidate[] = [];
  if (inMemory(m)) {
    return m.buildId
      ? search.debugDirs.map((dir) => ({
          path: buildIdPath(dir, m.buildId as string, false),
          origin: origin('debug-dir', dir),
          fallback: false,
        }))
      : [];
  }
  if (isExe && search.executable) out.push({ path: search.executable, origin: origin('exe-option', search.executable), fallback: true });
  if (search.sysroot) out.push({ path: underSysroot(search.sysroot, m.path), origin: origin('sysroot', search.sysroot), fallback: true });
  for (const dir of search.solibDirs) {
    out.push({ path: join(dir, basename(m.path)), origin: origin('solib-dir', dir), fallback: false });
    if (m.buildId) out.push({ path: buildIdPath(dir, m.buildId, false), origin: origin('solib-dir', dir), fallback: false });
  }
  if (m.buildId) {
    for (const dir of search.debugDirs)
      out.push({ path: buildIdPath(dir, m.buildId, false), origin: origin('debug-dir', dir), fallback: false });
  }
  out.push({ path: m.path, origin: origin('recorded-path', m.path), fallback: true });
  return out;
}

interface Resolved {
  core: CoreModule;
  isExe: boolean;
  host: { path: string; facts: ElfFileFacts | null; origin: FileOrigin } | null;
  mismatches: { path: string; buildId: string | null; origin: FileOrigin }[];
  debug: { path: string; facts: ElfFileFacts | null; origin: FileOrigin } | null;
}

async function resolveFile(m: CoreModule, isExe: boolean, search: SymbolSearch): Promise<Resolved> {
  const resolved: Resolved = { core: m, isExe, host: null, mismatches: [], debug: null };
  let fallback: Resolved['host'] = null;
  for (const c of candidatesFor(m, isExe, search)) {
    if (!(await readable(c.path))) continue;
    const facts = await inspectOrNull(c.path);
    // Without a build-id in the core there is nothing to check a file against: the first one found is it.
    if (!m.buildId || facts?.buildId === m.buildId) {
      resolved.host = { path: c.path, facts, origin: c.origin };
      return resolved;
    }
    if (!facts) continue;
    resolved.mismatches.push({ path: c.path, buildId: facts.buildId, origin: c.origin });
    if (c.fallback && !fallback) fallback = { path: c.path, facts, origin: c.origin };
  }
  // Kept only until a symbol server has been asked; see settle().
  resolved.host = fallback;
  return resolved;
}

async function resolveDebug(r: Resolved, search: SymbolSearch): Promise<void> {
  const buildId = r.core.buildId ?? r.host?.facts?.buildId ?? null;
  if (r.host?.facts?.hasDebugInfo && !isMismatch(r)) {
    r.debug = { path: r.host.path, facts: r.host.facts, origin: origin('embedded', r.host.path) };
    return;
  }
  if (!buildId) return;
  for (const dir of debugSearchPath(search.debugDirs)) {
    const path = buildIdPath(dir, buildId, true);
    if (!(await readable(path))) continue;
    r.debug = { path, facts: await inspectOrNull(path), origin: origin('debug-dir', dir) };
    return;
  }
  if (search.cache) {
    const cached = await search.cache.lookup(search.cache.pathOf(buildId, 'debuginfo'));
    if (cached) r.debug = { path: cached.path, facts: await inspectOrNull(cached.path), origin: origin('symbol-server', cached.from) };
  }
}

function isMismatch(r: Resolved): boolean {
  return !!(r.core.buildId && r.host?.facts?.buildId && r.host.facts.buildId !== r.core.buildId);
}

async function fromCache(r: Resolved, search: SymbolSearch): Promise<void> {
  const buildId = r.core.buildId;
  if (!buildId || !search.cache || (r.host && !isMismatch(r))) return;
  const cached = await search.cache.lookup(search.cache.pathOf(buildId, 'executable'));
  if (cached) r.host = { path: cached.path, facts: await inspectOrNull(cached.path), origin: origin('symbol-server', cached.from) };
}

function symbolStatus(r: Resolved): SymbolStatus {
  if (!r.host && !r.debug) return inMemory(r.core) ? 'symbols' : 'missing';
  if (r.host?.facts?.hasDebugInfo || r.debug?.facts?.hasDebugInfo) return 'debug-info';
  return r.host?.facts?.hasSymbols ? 'symbols' : 'none';
}

function moduleOf(r: Resolved): Module {
  return {
    path: r.core.path,
    hostPath: r.host?.path ?? null,
    buildId: r.core.buildId ?? r.host?.facts?.buildId ?? null,
    debugFile: r.debug && r.debug.origin.kind !== 'embedded' ? r.debug.path : null,
    symbols: symbolStatus(r),
    start: `0x${r.core.start.toString(16)}`,
    end: `0x${r.core.end.toString(16)}`,
    origin: {
      file: r.host?.origin ?? (inMemory(r.core) ? origin('core-memory', r.core.path) : null),
      debug: r.debug?.origin ?? null,
    },
    ...(r.core.debugId ? { debugId: r.core.debugId, debugName: r.core.debugName ?? null } : {}),
    ...(r.core.version ? { version: r.core.version } : {}),
    ...(r.core.codeId ? { codeId: r.core.codeId } : {}),
  };
}

function warningsOf(r: Resolved, search: SymbolSearch): AnalysisWarning[] {
  const warnings: AnalysisWarning[] = [];
  const name = r.core.path;
  const used = isMismatch(r) ? r.host : null;
  for (const m of r.mismatches) {
    const fate = used?.path === m.path ? 'Stacks through it may be wrong' : 'It was not used';
    warnings.push({
      kind: 'build-id-mismatch',
      message: `${m.path} (${describeOrigin(m.origin)}) is not the build that crashed (${name}): its build-id is ${m.buildId ?? 'missing'}, the core expects ${r.core.buildId}. ${fate}; give the right file${r.isExe ? ' with --exe,' : ' with'} --solib-dir DIR or --sysroot DIR.`,
    });
  }
  if (!r.isExe) return warnings;
  if (!r.host) {
    warnings.push({
      kind: 'executable-missing',
      message: `the executable ${search.executable ?? name} is not on this machine; frames in it will have no names. Give it with --exe FILE, --solib-dir DIR or a symbol server.`,
    });
  }
  if (symbolStatus(r) !== 'debug-info') {
    const id = r.core.buildId ?? r.host?.facts?.buildId;
    warnings.push({
      kind: 'no-debug-info',
      message: `no debug info for ${r.host?.path ?? name}${id ? ` (build-id ${id})` : ''}: no file and line numbers. Add the directory holding .build-id/… with --debug-dir DIR, or a symbol server.`,
    });
  }
  return warnings;
}

function describeOrigin(o: FileOrigin): string {
  switch (o.kind) {
    case 'exe-option':
      return 'given with --exe';
    case 'sysroot':
      return `under the sysroot ${o.from}`;
    case 'solib-dir':
      return `in ${o.from}`;
    case 'debug-dir':
      return `in the debug directory ${o.from}`;
    case 'symbol-server':
      return `from ${o.from}`;
    case 'core-memory':
      return 'in the core';
    default:
      return 'at the recorded path';
  }
}

/**
 * Finds the executable and libraries a core needs on this machine (given, under a sysroot, in
 * solib folders by name or build-id, at the recorded path, in the symbol cache, from symbol
 * servers) and their debug info, and accepts a file only when it is the very build that crashed.
 */
export async function locateProgramFiles(core: CoreInfo, search: SymbolSearch): Promise<ProgramFiles> {
  const elfModules = core.modules.filter((m) => m.buildId !== null || m.debugId || m.path === core.executablePath);
  const resolved = await Promise.all(elfModules.map((m) => resolveFile(m, m.path === core.executablePath, search)));
  for (const r of resolved) await fromCache(r, search);
  for (const r of resolved) await resolveDebug(r, search);

  const warnings: AnalysisWarning[] = [];
  if (search.cache && search.servers.length) warnings.push(...(await askServers(resolved, search, search.cache)));

  const modules = resolved.map(moduleOf);
  for (const r of resolved) warnings.push(...warningsOf(r, search));
  const exe = resolved.find((r) => r.isExe);
  let executable = exe?.host?.path ?? null;
  if (search.executable && !core.executablePath) executable = search.executable;

  const described = new Set(elfModules.map((m) => m.path));
  // Under every name the loader used too: that is the name a debugger asks its sysroot for.
  const libraries = resolved.flatMap((r) => {
    const host = r.host;
    return host ? [r.core.path, ...r.core.loadedAs].map((path) => ({ path, hostPath: host.path })) : [];
  });
  for (const m of core.modules) {
    if (described.has(m.path) || inMemory(m)) continue;
    const rooted = search.sysroot ? underSysroot(search.sysroot, m.path) : null;
    const hostPath = rooted && (await readable(rooted)) ? rooted : (await readable(m.path)) ? m.path : null;
    if (hostPath) for (const path of [m.path, ...m.loadedAs]) libraries.push({ path, hostPath });
  }
  const compressedDebugFiles = resolved.flatMap((r): CompressedDebugFile[] => {
    const facts = r.debug?.facts;
    if (!r.debug || r.debug.origin.kind === 'embedded' || !facts?.buildId || !facts.inflatedDebugBytes) return [];
    return facts.buildId === (r.core.buildId ?? r.host?.facts?.buildId)
      ? [{ buildId: facts.buildId, path: r.debug.path, inflatedBytes: facts.inflatedDebugBytes }]
      : [];
  });
  return {
    executable,
    executableBuildId: exe ? (exe.core.buildId ?? exe.host?.facts?.buildId ?? null) : null,
    executableBuiltByGo: exe?.host?.facts?.builtByGo ?? false,
    modules,
    libraries,
    compressedDebugFiles,
    warnings,
  };
}

/** Fetches what is still missing (right builds, then debug info) from the symbol servers. */
async function askServers(resolved: Resolved[], search: SymbolSearch, cache: SymbolCache): Promise<AnalysisWarning[]> {
  const wanted: Wanted[] = [];
  for (const r of resolved) {
    const buildId = r.core.buildId;
    if (!buildId) continue;
    if ((!r.host || isMismatch(r)) && !inMemory(r.core)) wanted.push({ buildId, kind: 'executable', module: r.core.path });
    if (!r.debug && !(r.host?.facts?.hasDebugInfo && !isMismatch(r))) wanted.push({ buildId, kind: 'debuginfo', module: r.core.path });
  }
  const { found, warnings } = await fetchFromServers(wanted, {
    servers: search.servers,
    cache,
    onProgress: search.onProgress,
  });
  for (const r of resolved) {
    const buildId = r.core.buildId;
    if (!buildId) continue;
    const exe: Found | undefined = found.get(keyOf(buildId, 'executable'));
    if (exe) {
      r.host = { path: exe.path, facts: await inspectOrNull(exe.path), origin: origin('symbol-server', exe.from) };
      if (!r.debug) await resolveDebug(r, search);
    }
    const debug = found.get(keyOf(buildId, 'debuginfo'));
    if (debug && !(r.debug && r.debug.origin.kind === 'embedded')) {
      r.debug = { path: debug.path, facts: await inspectOrNull(debug.path), origin: origin('symbol-server', debug.from) };
    }
  }
  return warnings;
}
