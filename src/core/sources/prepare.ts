import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Attachment, Thread } from '../../shared/model';
import { apportAttributes, readApportReport } from './apport';
import { readScopeCrash } from './appscope';
import { storeDecompressed } from './decompress';
import { readHandlerZip } from './ibm-zip';
import { describeShape, notACrash, shapeOfDirectory, shapeOfFile, type CrashShape } from './shape';
import { parseCoredumpName, readCoredumpXattrs } from './systemd-coredump';
import { parseGdbBacktrace, parseScopeBacktrace, threadFromFrames } from './text-stack';

export interface SourceLimits {
  /** Bytes a compressed core or an archive may expand to. */
  maxCoreBytes: number;
}

export const DEFAULT_LIMITS: SourceLimits = { maxCoreBytes: 64 * 1024 ** 3 };

/** What a bundle without a core still says about the crash. */
export interface PartialCrash {
  signal: number | null;
  faultAddress: string | null;
  pid: number | null;
  executable: string | null;
  commandLine: string;
  threads: Thread[];
  /** Who recorded the stack, for the crash's note: "apport", "AppScope". */
  recordedBy: string;
}

/** A crash ready to analyse: the local core (if any) and everything its bundle said. */
export interface CrashInput {
  shape: CrashShape;
  origin: string | null;
  /** The ELF core or minidump the debugger reads; null for a bundle that carried none. */
  core: string | null;
  /** The core's digest when it was written to the store on the way (saves reading it again). */
  coreSha256: string | null;
  /** True when `core` was taken out of the source into the store. */
  stored: boolean;
  attributes: Record<string, string>;
  attachments: Attachment[];
  /** When the crash happened, when the bundle knows better than the file's mtime. */
  timestamp: string | null;
  partial: PartialCrash | null;
}

const plain = (shape: CrashShape, path: string): CrashInput => ({
  shape,
  origin: null,
  core: path,
  coreSha256: null,
  stored: false,
  attributes: {},
  attachments: [],
  timestamp: null,
  partial: null,
});

/** The digest a bundle without a core is known by: of the files that describe it. */
export async function digestOf(paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths.sort()) {
    hash.update(basename(path));
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

type BundleFacts = Pick<CrashInput, 'shape' | 'origin' | 'attributes' | 'attachments' | 'timestamp'>;

/** A bundle whose core was taken out into the store. */
const withStoredCore = (base: BundleFacts, core: { path: string; sha256: string }): CrashInput => ({
  ...base,
  core: core.path,
  coreSha256: core.sha256,
  stored: true,
  partial: null,
});

/** A bundle that came without a core: what it recorded stands for the crash. */
const withoutCore = (base: BundleFacts, partial: PartialCrash): CrashInput => ({
  ...base,
  core: null,
  coreSha256: null,
  stored: false,
  partial,
});

/** systemd-coredump's name and extended attributes, for a file named like its cores. */
async function coredumpFacts(path: string): Promise<{ attributes: Record<string, string>; timestamp: string | null }> {
  const name = parseCoredumpName(path);
  if (!name) return { attributes: {}, timestamp: null };
  const xattrs = await readCoredumpXattrs(path);
  const attributes: Record<string, string> = {
    application: xattrs.comm ?? name.comm,
    'coredump.boot-id': name.bootId,
    'coredump.uid': xattrs.uid ?? name.uid,
  };
  if (xattrs.hostname) attributes.hostname = xattrs.hostname;
  if (xattrs.exe) attributes['coredump.exe'] = xattrs.exe;
  if (xattrs.signal) attributes['coredump.signal'] = xattrs.signal;
  const usec = xattrs.timestamp && /^\d+$/.test(xattrs.timestamp) ? new Date(Number(BigInt(xattrs.timestamp) / 1000n)).toISOString() : null;
  return { attributes, timestamp: usec ?? name.timestamp };
}

/** Opens any shape of crash: cores as they are, the rest taken apart into the store directory. */
export async function prepareCrash(path: string, storeDir: string, limits: SourceLimits = DEFAULT_LIMITS): Promise<CrashInput> {
  const info = await stat(path);
  const shape = info.isDirectory() ? await shapeOfDirectory(path) : await shapeOfFile(path);
  if (!shape) throw new Error(info.isDirectory() ? `${path} is a folder, not an AppScope crash directory` : await notACrash(path));
  await mkdir(storeDir, { recursive: true });
  switch (shape.kind) {
    case 'core':
    case 'minidump': {
      const facts = await coredumpFacts(path);
      return { ...plain(shape, path), attributes: facts.attributes, timestamp: facts.timestamp };
    }
    case 'compressed': {
      const stored = await storeDecompressed(path, shape.codec, storeDir, limits.maxCoreBytes);
      const inner = await shapeOfFile(stored.path);
      if (inner?.kind !== 'core' && inner?.kind !== 'minidump') {
        throw new Error(`${path} decompresses (${shape.codec}) to something that is not a core file`);
      }
      const facts = await coredumpFacts(path);
      return {
        ...plain(shape, stored.path),
        origin: describeShape(shape, path),
        coreSha256: stored.sha256,
        stored: true,
        attributes: facts.attributes,
        timestamp: facts.timestamp,
      };
    }
    case 'apport': {
      const report = await readApportReport(path, storeDir, limits.maxCoreBytes);
      const f = report.fields;
      const date = f.Date ? Date.parse(f.Date) : NaN;
      const base = {
        shape,
        origin: 'apport report',
        attributes: apportAttributes(f),
        attachments: f.ProcEnviron ? [{ name: 'ProcEnviron', text: f.ProcEnviron }] : [],
        timestamp: Number.isNaN(date) ? null : new Date(date).toISOString(),
      };
      if (report.core) return withStoredCore(base, report.core);
      const stack = f.Stacktrace ?? f.StacktraceTop ?? '';
      return withoutCore(base, {
        signal: f.Signal ? Number(f.Signal) : null,
        faultAddress: null,
        pid: null,
        executable: f.ExecutablePath ?? null,
        commandLine: (f.ProcCmdline ?? '').replace(/\0/g, ' '),
        threads: [threadFromFrames(parseGdbBacktrace(stack), 0)],
        recordedBy: 'apport',
      });
    }
    case 'zip': {
      const zip = await readHandlerZip(path, storeDir, { maxTotalBytes: limits.maxCoreBytes });
      const base = {
        shape,
        origin: 'core-dump-handler zip',
        attributes: zip.attributes,
        attachments: zip.attachments,
        timestamp: zip.timestamp,
      };
      if (zip.core) return withStoredCore(base, zip.core);
      return withoutCore(base, {
        signal: zip.signal,
        faultAddress: null,
        pid: zip.pid,
        executable: zip.executable,
        commandLine: '',
        threads: [],
        recordedBy: 'core-dump-handler',
      });
    }
    case 'appscope': {
      const scope = await readScopeCrash(path);
      const base = {
        shape,
        origin: 'AppScope crash directory',
        attributes: scope.attributes,
        attachments: scope.attachments,
        timestamp: scope.timestamp,
      };
      if (scope.core) return { ...base, core: scope.core, coreSha256: null, stored: false, partial: null };
      return withoutCore(base, {
        signal: scope.signal,
        faultAddress: scope.faultAddress,
        pid: scope.pid,
        executable: scope.processName,
        commandLine: scope.commandLine,
        threads: [threadFromFrames(parseScopeBacktrace(scope.backtrace ?? ''), scope.pid ?? 0)],
        recordedBy: 'AppScope',
      });
    }
  }
}

/** The files whose content identifies a crash that has no core. */
export async function identityFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  return (await readdir(path)).filter((n) => /^(info|cfg|backtrace|snapshot)_\d+$/.test(n)).map((n) => join(path, n));
}
