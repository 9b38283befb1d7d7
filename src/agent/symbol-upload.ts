import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspectElfFile } from '../core/elf/elf-file';
import {
  BREAKPAD_DEBUG_ID,
  REPORTER_PATHS,
  badDebugFile,
  bearer,
  type BreakpadRef,
  type ModuleFact,
  type SymbolKind,
  type SymbolRef,
} from '../shared/reporter-protocol';
import { debugFileBase, moduleLineOf, MODULE_LINE_BYTES } from '../core/symbols/breakpad-fetch';
import { withFile } from '../core/platform/bounded-file';

/** A file worth sending: what it is to a symbol store. */
export interface SymbolFile {
  path: string;
  buildId: string;
  /** What it is sent as: `executable` for a file with code (the store serves its debug info too), else `debuginfo`. */
  kind: SymbolKind;
  /** What the store should have of it, to hold all it offers. */
  provides: SymbolKind[];
  size: number;
}

/** A Breakpad `.sym` file, keyed as its MODULE line keys it. */
export interface BreakpadFile extends BreakpadRef {
  path: string;
  size: number;
}

export interface FoundSymbols {
  files: SymbolFile[];
  /** Breakpad symbol files (dump_syms' output, for Windows, macOS and Linux modules alike). */
  breakpad: BreakpadFile[];
  /** ELF files that cannot be stored: no build-id, or nothing a debugger could use. */
  refused: { path: string; reason: string }[];
}

const MAX_FILES = 100_000;
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
/** What a file is to a symbol store, from its first bytes: ELF, a Breakpad symbol file (its MODULE line), or neither. */
async function kindOfFile(path: string): Promise<{ kind: 'elf' } | { kind: 'breakpad'; debugId: string; debugName: string } | null> {
  const head = await withFile(path, (file) => file.read(0, MODULE_LINE_BYTES));
  if (head.length >= 4 && head.subarray(0, 4).equals(ELF_MAGIC)) return { kind: 'elf' };
  const line = moduleLineOf(head);
  const debugId = line?.id.toUpperCase() ?? '';
  return line && line.name && BREAKPAD_DEBUG_ID.test(debugId) ? { kind: 'breakpad', debugId, debugName: line.name } : null;
}

async function take(path: string, found: FoundSymbols, named: boolean): Promise<void> {
  const kind = await kindOfFile(path);
  if (kind?.kind === 'elf') return describe(path, found);
  if (kind?.kind === 'breakpad') {
    const debugFile = debugFileBase(kind.debugName);
    const why = badDebugFile(debugFile);
    if (why) found.refused.push({ path, reason: `its MODULE line names no usable debug file (${why})` });
    else found.breakpad.push({ path, debugFile, debugId: kind.debugId, size: (await stat(path)).size });
    return;
  }
  if (named) found.refused.push({ path, reason: 'neither an ELF file (an executable, library or debug file) nor a Breakpad .sym file' });
}

async function describe(path: string, found: FoundSymbols): Promise<void> {
  const facts = await inspectElfFile(path).catch((error: Error) => {
    found.refused.push({ path, reason: `not a readable ELF file: ${error.message}` });
    return null;
  });
  if (!facts) return;
  if (!facts.buildId) {
    found.refused.push({ path, reason: 'it has no build-id, so no crash can be matched to it: link with -Wl,--build-id' });
    return;
  }
  if (!facts.hasCode && !facts.hasDebugInfo) {
    found.refused.push({ path, reason: 'it has neither code nor debug info' });
    return;
  }
  const kind: SymbolKind = facts.hasCode ? 'executable' : 'debuginfo';
  const provides: SymbolKind[] = facts.hasCode && facts.hasDebugInfo ? ['executable', 'debuginfo'] : [kind];
  found.files.push({ path, buildId: facts.buildId, kind, provides, size: (await stat(path)).size });
}

/**
 * The ELF files and Breakpad symbol files among the paths: files as named (one that is not ELF is refused), folders walked
 * (what is not ELF is passed over; links are not followed, so a folder cannot lead outside itself).
 */
export async function findSymbolFiles(paths: string[]): Promise<FoundSymbols> {
  const found: FoundSymbols = { files: [], breakpad: [], refused: [] };
  let seen = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (++seen > MAX_FILES) throw new Error(`more than ${MAX_FILES} files under ${dir}: name the build's output folder`);
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) await take(path, found, false);
    }
  };
  for (const path of paths) {
    const info = await lstat(path).catch((error: Error) => {
      throw new Error(`cannot read ${path}: ${error.message}`);
    });
    if (info.isDirectory()) await walk(path);
    else await take(path, found, true);
  }
  return found;
}

export async function call(url: string, init: RequestInit & { duplex?: 'half' }, what: string): Promise<Response> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(600_000) }).catch((error: Error) => {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`${what}: cannot reach ${new URL(url).origin} (${cause ?? error.message})`);
  });
  if (response.ok) return response;
  const body = await response.text().catch(() => '');
  let message = body.slice(0, 300);
  try {
    message = (JSON.parse(body) as { error?: string }).error ?? message;
  } catch {
    // Not JSON: the text itself is the best account of the refusal.
  }
  const hint = response.status === 401 || response.status === 403 ? ' Check the token (--token or --token-file).' : '';
  throw new Error(`${what}: the reporter answered ${response.status}: ${message}.${hint}`);
}

/** Asks the store which of these it lacks. */
export async function missingSymbols(server: string, token: string, wanted: SymbolRef[]): Promise<SymbolRef[]> {
  const response = await call(
    `${server.replace(/\/+$/, '')}${REPORTER_PATHS.missingSymbols}`,
    { method: 'POST', headers: { authorization: bearer(token), 'content-type': 'application/json' }, body: JSON.stringify({ wanted }) },
    'asking which symbols the reporter lacks',
  );
  const body = (await response.json()) as { missing?: SymbolRef[] };
  return body.missing ?? [];
}

export async function sendSymbolFile(server: string, token: string, file: SymbolFile): Promise<void> {
  await call(
    `${server.replace(/\/+$/, '')}${REPORTER_PATHS.symbol(file.buildId, file.kind)}`,
    {
      method: 'PUT',
      headers: { authorization: bearer(token), 'content-length': String(file.size), 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(createReadStream(file.path)) as ReadableStream,
      duplex: 'half',
    },
    `sending ${file.path}`,
  );
}

export interface SymbolUploadReport {
  sent: (SymbolFile | BreakpadFile)[];
  present: (SymbolFile | BreakpadFile)[];
  refused: { path: string; reason: string }[];
  failed: { path: string; error: string }[];
}

/** Sends the files the store lacks (asking first), each build-id once. */
export async function uploadSymbols(
  server: string,
  token: string,
  paths: string[],
  options: { dryRun?: boolean; onFile?: (file: SymbolFile | BreakpadFile) => void } = {},
): Promise<SymbolUploadReport> {
  return sendFound(server, token, await findSymbolFiles(paths), options);
}

async function sendFound(
  server: string,
  token: string,
  found: FoundSymbols,
  options: { dryRun?: boolean; onFile?: (file: SymbolFile | BreakpadFile) => void },
): Promise<SymbolUploadReport> {
  const report: SymbolUploadReport = { sent: [], present: [], refused: found.refused, failed: [] };
  await sendBreakpad(server, token, found.breakpad, report, options);
  // A file with code beats a debug file for the same build-id: the store serves both from it.
  const byBuildId = new Map<string, SymbolFile[]>();
  for (const file of found.files) byBuildId.set(file.buildId, [...(byBuildId.get(file.buildId) ?? []), file]);
  const wanted = found.files.flatMap((f) => f.provides.map((kind) => ({ buildId: f.buildId, kind })));
  const unique = [...new Map(wanted.map((w) => [`${w.buildId}/${w.kind}`, w])).values()];
  const missing = new Set((unique.length ? await missingSymbols(server, token, unique) : []).map((m) => `${m.buildId}/${m.kind}`));
  for (const [buildId, files] of byBuildId) {
    const lacking = new Set(files.flatMap((f) => f.provides).filter((kind) => missing.has(`${buildId}/${kind}`)));
    const chosen = new Set<SymbolFile>();
    for (const kind of lacking) {
      const file = files.find((f) => f.provides.includes(kind) && chosen.has(f)) ?? files.find((f) => f.provides.includes(kind));
      if (file) chosen.add(file);
    }
    for (const file of files) if (!chosen.has(file)) report.present.push(file);
    for (const file of chosen) {
      options.onFile?.(file);
      if (options.dryRun) {
        report.sent.push(file);
        continue;
      }
      try {
        await sendSymbolFile(server, token, file);
        report.sent.push(file);
      } catch (error) {
        report.failed.push({ path: file.path, error: (error as Error).message });
      }
    }
  }
  return report;
}

/** Sends the Breakpad symbol files the store lacks, asking first, each debug file and id once. */
async function sendBreakpad(
  server: string,
  token: string,
  files: BreakpadFile[],
  report: SymbolUploadReport,
  options: { dryRun?: boolean; onFile?: (file: SymbolFile | BreakpadFile) => void },
): Promise<void> {
  if (files.length === 0) return;
  const base = server.replace(/\/+$/, '');
  const unique = [...new Map(files.map((f) => [`${f.debugFile}/${f.debugId}`, f])).values()];
  const response = await call(
    `${base}${REPORTER_PATHS.missingBreakpad}`,
    {
      method: 'POST',
      headers: { authorization: bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ wanted: unique.map(({ debugFile, debugId }) => ({ debugFile, debugId })) }),
    },
    'asking which Breakpad symbols the reporter lacks',
  );
  const missing = new Set(
    ((await response.json()) as { missing?: BreakpadRef[] }).missing?.map((m) => `${m.debugFile}/${m.debugId}`) ?? [],
  );
  for (const file of files) {
    const key = `${file.debugFile}/${file.debugId}`;
    if (!missing.delete(key)) {
      report.present.push(file);
      continue;
    }
    options.onFile?.(file);
    if (options.dryRun) {
      report.sent.push(file);
      continue;
    }
    try {
      await call(
        `${base}${REPORTER_PATHS.breakpadSymbol(file)}`,
        {
          method: 'PUT',
          headers: { authorization: bearer(token), 'content-length': String(file.size), 'content-type': 'text/plain' },
          body: Readable.toWeb(createReadStream(file.path)) as ReadableStream,
          duplex: 'half',
        },
        `sending ${file.path}`,
      );
      report.sent.push(file);
    } catch (error) {
      report.failed.push({ path: file.path, error: (error as Error).message });
    }
  }
}

/** Where a distribution's own files live: their symbols come from the distribution, not from here. */
const SYSTEM_PATH = /^\/(usr\/)?(lib|lib32|lib64|libx32|bin|sbin)\//;

/**
 * The crashed process's own programs and libraries (no package owns them, they are not the
 * system's), sent to the reporter when it lacks them, as long as the file on this host is still
 * the build that crashed.
 */
export async function sendCrashModules(server: string, token: string, modules: ModuleFact[]): Promise<SymbolUploadReport> {
  const own = modules.filter((m) => m.buildId && !m.package && !SYSTEM_PATH.test(m.path));
  const present = (
    await Promise.all(
      own.map(async (m) =>
        stat(m.path).then(
          (s) => (s.isFile() ? m : null),
          () => null,
        ),
      ),
    )
  ).filter((m): m is ModuleFact => m !== null);
  const found: FoundSymbols = { files: [], breakpad: [], refused: [] };
  for (const m of present) await describe(m.path, found);
  found.files = found.files.filter((f) => present.some((m) => m.path === f.path && m.buildId === f.buildId));
  const report = await sendFound(server, token, found, {});
  if (report.failed.length) throw new Error(report.failed.map((f) => `${f.path}: ${f.error}`).join('; '));
  return report;
}
