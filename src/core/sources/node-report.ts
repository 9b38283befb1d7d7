import { stat } from 'node:fs/promises';
import type { Frame, Thread } from '../../shared/model';
import { readHead } from './read-head';
import { placeFromEnd } from './text-place';

/**
 * Node.js's diagnostic report: the JSON that `--report-uncaught-exception`,
 * `--report-on-fatalerror`, `--report-on-signal` or `process.report.writeReport()` write. Its
 * header says when, where and which Node; `javascriptStack` holds the thrown error's message and
 * its stack as V8 printed it; `nativeStack` the C++ frames of the thread that wrote it.
 */

/** Reports carry the heap's spaces, libuv's handles and every environment variable: a few hundred KiB. */
export const MAX_NODE_REPORT_BYTES = 64 * 1024 * 1024;

/** `{ "header": { "reportVersion": N`, however it is spaced: the first bytes of every report since Node 12. */
export function isNodeReportHead(head: Buffer): boolean {
  const text = head.toString('latin1');
  let at = 0;
  for (const token of ['{', '"header"', ':', '{', '"reportVersion"', ':']) {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at++;
    if (!text.startsWith(token, at)) return false;
    at += token.length;
  }
  return true;
}

export interface NodeReport {
  /** What happened: "Exception", a fatal error's message ("Allocation failed - JavaScript heap out of memory"), a signal's name. */
  event: string;
  /** Why the report was written: "Exception", "FatalError", "OOMError", "Signal", "API". */
  trigger: string;
  time: string | null;
  pid: number | null;
  commandLine: string[];
  nodeVersion: string | null;
  arch: string | null;
  host: string | null;
  osName: string | null;
  osRelease: string | null;
  /** The thrown value as V8 printed it ("TypeError: Cannot read properties of null"), or the fatal error's message. */
  message: string | null;
  jsStack: string[];
  nativeStack: { pc: string; symbol: string }[];
  environment: string[];
  sharedObjects: string[];
}

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Reads a report; a file that is cut off, too large or not one says so, naming the file. */
export async function readNodeReport(path: string): Promise<NodeReport> {
  const { size } = await stat(path);
  if (size > MAX_NODE_REPORT_BYTES)
    throw new Error(`${path}: a Node.js report of ${size} bytes is larger than ${MAX_NODE_REPORT_BYTES}; it is not one`);
  return parseNodeReport(await readHead(path, MAX_NODE_REPORT_BYTES), path);
}

/** A report's text read; `name` names it in errors (its file, or the attachment it came as). */
export function parseNodeReport(body: string, name: string): NodeReport {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new Error(
      `${name}: the Node.js report is not complete JSON (${(error as Error).message}); it was cut off while being written or copied`,
    );
  }
  const root = record(json);
  const header = record(root.header);
  if (typeof header.reportVersion !== 'number')
    throw new Error(`${name}: not a Node.js diagnostic report (its header has no reportVersion)`);
  const js = record(root.javascriptStack);
  const env = record(root.environmentVariables);
  const pid = header.processId;
  return {
    event: text(header.event) ?? 'unknown',
    trigger: text(header.trigger) ?? 'unknown',
    time: text(header.dumpEventTime),
    pid: typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : null,
    commandLine: texts(header.commandLine),
    nodeVersion: text(header.nodejsVersion),
    arch: text(header.arch),
    host: text(header.host),
    osName: text(header.osName),
    osRelease: text(header.osRelease),
    message: text(js.message),
    jsStack: texts(js.stack),
    nativeStack: (Array.isArray(root.nativeStack) ? root.nativeStack : []).flatMap((f) => {
      const frame = record(f);
      const pc = text(frame.pc);
      return pc ? [{ pc, symbol: text(frame.symbol)?.trim() ?? '' }] : [];
    }),
    environment: Object.entries(env).flatMap(([k, v]) => (typeof v === 'string' ? [`${k}=${v}`] : [])),
    sharedObjects: texts(root.sharedObjects),
  };
}

/** A V8 location's place; V8's `<anonymous>` and `native` are no file. */
function place(location: string): { file: string | null; line: number | null; column: number | null } {
  const { file, line, column } = placeFromEnd(location);
  return { file: file && file !== '<anonymous>' && file !== 'native' ? file : null, line, column };
}

export function parseJsFrameLine(raw: string, index: number): Frame | null {
  let line = raw.trim();
  if (!line.startsWith('at ')) return null;
  line = line.slice(3).trim();
  if (line.startsWith('async ')) line = line.slice(6);
  let name: string | null = null;
  let location = line;
  // The location is the last parenthesised part; an eval frame nests another inside it.
  if (line.endsWith(')')) {
    const open = line.indexOf(' (');
    if (open > 0) {
      name = line.slice(0, open).trim();
      location = line.slice(open + 2, -1);
    }
  }
  if (location.startsWith('eval at ')) location = location.slice(location.lastIndexOf(', ') + 2);
  const { file, line: lineNumber, column } = place(location);
  return {
    index,
    address: '0x0',
    function: name,
    file,
    line: lineNumber,
    ...(column !== null && file !== null ? { column } : {}),
    language: 'javascript',
    // A script is its own module; Node's own JavaScript (node:internal/…) is the runtime's.
    module: file === null ? null : file.startsWith('node:') ? 'node' : file,
    inline: false,
  };
}

/** The JavaScript stack as a thread: "No stack." / "Unavailable." (a fatal error outside JavaScript) gives none. */
export function jsThread(report: NodeReport): Thread {
  const frames = report.jsStack.flatMap((l) => parseJsFrameLine(l, 0) ?? []).map((f, index) => ({ ...f, index }));
  return { id: report.pid ?? 0, number: 1, name: 'JavaScript', crashed: true, frames, framesTruncated: false, registers: {}, locals: {} };
}

/** The report writer's own frames, on top of every native stack: they are how the report was made, not the crash. */
const WRITER = /^node::(TriggerNodeReport|report::)/;

/** The C++ stack of the thread that wrote the report, below the writer's frames: "symbol [module]" per frame. */
export function nativeThread(report: NodeReport): Thread {
  const writerEnds = report.nativeStack.reduce((last, { symbol }, i) => (WRITER.test(symbol) ? i : last), -1);
  const frames: Frame[] = report.nativeStack.slice(writerEnds + 1).map(({ pc, symbol }, index) => {
    const bracket = symbol.lastIndexOf(' [');
    const named = bracket >= 0 && symbol.endsWith(']') ? symbol.slice(0, bracket).trim() : symbol;
    const module = bracket >= 0 && symbol.endsWith(']') ? symbol.slice(bracket + 2, -1) : null;
    // A pc that is not a number stays unknown; the frame keeps its symbol.
    const address = /^0x[0-9a-f]{1,16}$/i.test(pc) ? `0x${BigInt(pc).toString(16)}` : '0x0';
    return { index, address, function: named || null, file: null, line: null, module, inline: false };
  });
  return {
    id: report.pid ?? 0,
    number: 2,
    name: 'native (report writer)',
    crashed: false,
    frames,
    framesTruncated: false,
    registers: {},
    locals: {},
  };
}
