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
  const core = new CoreDumpField(path, storeDir, limit);
  let key: string | null = null;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.startsWith(' ')) {
      if (key === 'CoreDump') await core.add(Buffer.from(line.trim(), 'base64'));
      else if (key && KEPT.has(key) && (fields[key]?.length ?? 0) < MAX_VALUE) {
        fields[key] = fields[key] ? `${fields[key]}\n${line.slice(1)}` : line.slice(1);
      }
      continue;
    }
    const m = /^([A-Za-z][\w.-]*):\s?(.*)$/.exec(line);
    if (!m?.[1]) continue;
    key = m[1];
    if (key === 'CoreDump') core.present = true;
    else if (KEPT.has(key)) fields[key] = (m[2] ?? '').slice(0, MAX_VALUE);
  }
  return { fields, core: await core.finish() };
}

/** The CoreDump field's blocks, decompressed into the store as they are read. */
class CoreDumpField {
  present = false;
  private head: Buffer[] = [];
  private input: PassThrough | null = null;
  private stored: Promise<{ path: string; sha256: string; size: number }> | null = null;

  constructor(
    private readonly path: string,
    private readonly storeDir: string,
    private readonly limit: number,
  ) {}

  async add(chunk: Buffer): Promise<void> {
    if (!this.input) {
      // The codec shows in the first bytes, which may span more than one block.
      this.head.push(chunk);
      const head = Buffer.concat(this.head);
      if (head.length < 6) return;
      this.head = [];
      this.start(head);
      chunk = head;
    }
    const input = this.input as PassThrough | null;
    if (input && !input.write(chunk)) await new Promise((resolve) => input.once('drain', resolve));
  }

  private start(head: Buffer): void {
    const codec = codecOf(head);
    if (!codec) throw new Error(`${this.path}: the CoreDump field is neither gzip nor zstd data; the report is corrupt`);
    const input = new PassThrough();
    const what = `${this.path} (CoreDump)`;
    const stream: Readable = decompressStream(input, codec, what);
    this.input = input;
    this.stored = storeStream(stream, this.storeDir, what, this.limit);
    // Awaited in finish(); until then a failure must not count as unhandled.
    this.stored.catch(() => undefined);
  }

  async finish(): Promise<ApportReport['core']> {
    if (!this.input || !this.stored) {
      if (this.present) throw new Error(`${this.path}: the CoreDump field is empty or cut off; the report is corrupt`);
      return null;
    }
    this.input.end();
    return this.stored;
  }
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
