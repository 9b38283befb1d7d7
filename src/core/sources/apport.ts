import { regularFileStream } from '../platform/bounded-file';
import { PassThrough } from 'node:stream';
import { inflateCore, storeStream } from './decompress';
import { codecOf } from './magic';
import { linePieces } from './line-pieces';

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
export async function readApportReport(path: string, storeDir: string, limit: number, signal?: AbortSignal): Promise<ApportReport> {
  const fields: Record<string, string> = {};
  const core = new CoreDumpField(path, storeDir, limit, signal);
  let key: string | null = null;
  /** Where the current line's text goes: a kept field, the CoreDump field, or nowhere. */
  let target: 'field' | 'core' | null = null;
  const keep = (text: string): void => {
    const field = key as string;
    const room = MAX_VALUE - (fields[field]?.length ?? 0);
    if (room > 0) fields[field] = (fields[field] ?? '') + text.slice(0, room);
  };
  // Lines come in pieces: one base64 block of a CoreDump or a corrupt line may be gigabytes long.
  for await (const piece of linePieces(await regularFileStream(path))) {
    signal?.throwIfAborted();
    let text = piece.text;
    if (piece.start) {
      if (text.startsWith(' ')) {
        text = text.slice(1);
        target = key === 'CoreDump' ? 'core' : key && KEPT.has(key) ? 'field' : null;
        if (target === 'field' && fields[key as string]) keep('\n');
      } else {
        const m = /^([A-Za-z][\w.-]*):\s?/.exec(text);
        key = m?.[1] ?? null;
        target = key !== null && KEPT.has(key) ? 'field' : null;
        if (key === 'CoreDump') core.present = true;
        if (target === 'field') fields[key as string] = '';
        text = m ? text.slice(m[0].length) : '';
      }
    }
    if (target === 'field') keep(text);
    else if (target === 'core') await core.addBase64(text, piece.end);
  }
  return { fields, core: await core.finish() };
}

/** The CoreDump field's blocks, decompressed into the store as they are read. */
class CoreDumpField {
  present = false;
  private failed = false;
  private head: Buffer[] = [];
  private input: PassThrough | null = null;
  private stored: Promise<{ path: string; sha256: string; size: number }> | null = null;
  /** Base64 characters of the current line not yet decoded: fewer than four. */
  private base64 = '';

  constructor(
    private readonly path: string,
    private readonly storeDir: string,
    private readonly limit: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Part of one line of the field; each line is a base64 block of its own, padded at its end. */
  async addBase64(text: string, lineEnds: boolean): Promise<void> {
    const all = this.base64 + text.trim();
    const whole = lineEnds ? all.length : all.length - (all.length % 4);
    this.base64 = all.slice(whole);
    if (whole > 0) await this.add(Buffer.from(all.slice(0, whole), 'base64'));
  }

  private async add(chunk: Buffer): Promise<void> {
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
    // Once storing has failed (not a core, a bomb, a full disk), its error is the answer: nothing more is written.
    if (this.failed) await this.stored;
    // Storing may fail (disk full, a bad block): its error ends the wait for room instead of hanging it.
    if (input && !input.write(chunk)) await Promise.race([new Promise((resolve) => input.once('drain', resolve)), this.stored]);
  }

  private start(head: Buffer): void {
    if (!codecOf(head)) throw new Error(`${this.path}: the CoreDump field is neither gzip nor zstd data; the report is corrupt`);
    const input = new PassThrough();
    const what = `${this.path} (CoreDump)`;
    this.input = input;
    this.stored = inflateCore(input, what).then((stream) => storeStream(stream, this.storeDir, what, this.limit, this.signal));
    // Awaited in add() and finish(); until then a failure must not count as unhandled.
    this.stored.catch(() => (this.failed = true));
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
