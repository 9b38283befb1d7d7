import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { PassThrough, type Readable } from 'node:stream';
import { codecOf, decompressStream, storeStream } from './decompress';

/** Keys kept from a report, with how much of each; the rest (maps, status …) is left in the file. */
const KEPT = new Set([
  'ProblemType',
  'Date',
  'ExecutablePath',
  'Package',
  'SourcePackage',
  'DistroRelease',
  'Architecture',
  'Uname',
  'Signal',
  'SignalName',
  'ProcCmdline',
  'ProcEnviron',
  'Stacktrace',
  'ThreadStacktrace',
  'StacktraceTop',
  'Title',
  'CrashCounter',
]);
const MAX_VALUE = 256 * 1024;

export interface ApportReport {
  fields: Record<string, string>;
  /** The core from its CoreDump field, stored under its digest, or null when the report has none. */
  core: { path: string; sha256: string; size: number } | null;
}

/**
 * Reads an apport `.crash` file as a stream: `Key: value` lines, continuation lines starting
 * with a space, and binary fields ("CoreDump: base64") as base64 blocks of gzip (or zstd) data,
 * decompressed straight into the store.
 */
export async function readApportReport(path: string, storeDir: string, limit: number): Promise<ApportReport> {
  const fields: Record<string, string> = {};
  let key: string | null = null;
  let binary: { input: PassThrough; stored: Promise<{ path: string; sha256: string; size: number }> } | null = null;
  let pendingHead: Buffer[] = [];
  let sawCoreDump = false;

  const startBinary = (head: Buffer): void => {
    const input = new PassThrough();
    const codec = codecOf(head);
    if (!codec) throw new Error(`${path}: the CoreDump field is neither gzip nor zstd data; the report is corrupt`);
    const stream: Readable = decompressStream(input, codec, `${path} (CoreDump)`);
    binary = { input, stored: storeStream(stream, storeDir, `${path} (CoreDump)`, limit) };
    // An early failure must not be unhandled while the rest of the file is read.
    binary.stored.catch(() => undefined);
  };

  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.startsWith(' ')) {
      if (key === 'CoreDump') {
        const chunk = Buffer.from(line.trim(), 'base64');
        if (!binary) {
          pendingHead.push(chunk);
          const head = Buffer.concat(pendingHead);
          if (head.length < 6) continue;
          startBinary(head);
          pendingHead = [];
          const current = binary as unknown as { input: PassThrough };
          if (!current.input.write(head)) await new Promise((r) => current.input.once('drain', r));
          continue;
        }
        const current = binary as { input: PassThrough };
        if (!current.input.write(chunk)) await new Promise((r) => current.input.once('drain', r));
      } else if (key && KEPT.has(key) && (fields[key]?.length ?? 0) < MAX_VALUE) {
        fields[key] = fields[key] ? `${fields[key]}\n${line.slice(1)}` : line.slice(1);
      }
      continue;
    }
    const m = /^([A-Za-z][\w.-]*):\s?(.*)$/.exec(line);
    if (!m?.[1]) continue;
    key = m[1];
    if (key === 'CoreDump') sawCoreDump = true;
    else if (KEPT.has(key)) fields[key] = (m[2] ?? '').slice(0, MAX_VALUE);
  }
  let core: ApportReport['core'] = null;
  const open = binary as { input: PassThrough; stored: Promise<{ path: string; sha256: string; size: number }> } | null;
  if (open) {
    open.input.end();
    core = await open.stored;
  } else if (sawCoreDump) {
    throw new Error(`${path}: the CoreDump field is empty or cut off; the report is corrupt`);
  }
  return { fields, core };
}

/** Attributes a report gives: application, version, kernel, architecture, distribution. */
export function apportAttributes(fields: Record<string, string>): Record<string, string> {
  const attributes: Record<string, string> = {};
  const exe = fields.ExecutablePath;
  if (exe) attributes.application = exe.slice(exe.lastIndexOf('/') + 1);
  const pkg = /^(\S+) (\S+)/.exec(fields.Package ?? '');
  if (pkg?.[2]) {
    attributes.package = pkg[1] ?? '';
    attributes.version = pkg[2];
  }
  const uname = /^(\S+) (\S+) (\S+)/.exec(fields.Uname ?? '');
  if (uname) {
    attributes['uname.sysname'] = uname[1] ?? '';
    attributes['uname.release'] = uname[2] ?? '';
    attributes['uname.machine'] = uname[3] ?? '';
  }
  if (fields.DistroRelease) attributes.distro = fields.DistroRelease;
  return attributes;
}
