/**
 * Go cores read by Delve over its Debug Adapter Protocol server (`dlv dap`): every goroutine with
 * its stack, through the signal frame, and the value the panicking one panicked with.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { cleanEnv, killProcessGroup } from '../../platform/debugger-process';
import { DapClient } from './dap-client';

/** Goroutines read, at most: a server with a million parked ones would otherwise take minutes. */
export const MAX_GOROUTINES = 2000;
const MAX_GOROUTINE_FRAMES = 256;

export interface GoFrame {
  function: string;
  file: string | null;
  line: number | null;
  address: string;
}

export interface Goroutine {
  id: number;
  /** The OS thread it ran on when the core was written, where it ran on one. */
  thread: number | null;
  /** Delve's current goroutine: the one on the thread that took the signal. */
  current: boolean;
  frames: GoFrame[];
  /** Frame ids by index, for evaluating in a frame. */
  frameIds: number[];
}

export interface DelveReading {
  goroutines: Goroutine[];
  /** How many goroutines the core holds, of which `goroutines` were read. */
  total: number;
  /** What the panicking goroutine panicked or threw with, as Go prints it: "panic: …", "fatal error: …". */
  message: string | null;
}

/** `* [Go 1] main.main (Thread 27478)`: Delve's name for a goroutine. */
export function parseGoroutineName(name: string): { id: number; thread: number | null; current: boolean } | null {
  const m = /^(\* )?\[Go (\d+)\](?:.*\(Thread (\d+)\))?/.exec(name);
  if (!m) return null;
  return { id: Number(m[2]), thread: m[3] ? Number(m[3]) : null, current: m[1] !== undefined };
}

/** Go's own quoting undone for the common case; the text as Delve showed it otherwise. */
function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value : text;
  } catch {
    return text.slice(1, text.endsWith('"') ? -1 : undefined);
  }
}

/**
 * A panic value as Go prints it: Delve shows `interface {}(runtime.plainError) "…"`, or
 * `interface {}(*errors.errorString) *{s: "…"}` for an error. A runtime.Error reads
 * "runtime error: …" as the runtime prints it.
 */
export function panicText(value: string): string {
  const m = /^(?:interface \{\}|error)\(([^)]*)\) (.*)$/s.exec(value.trim());
  if (!m) return unquote(value.trim());
  const type = m[1] as string;
  let text = (m[2] as string).trim();
  const field = /^\*?\{s: (".*")\}$/s.exec(text);
  if (field) text = field[1] as string;
  text = unquote(text);
  return type === 'runtime.errorString' || type === 'runtime.boundsError' ? `runtime error: ${text}` : text;
}

function startDelve(timeoutMs: number): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('dlv', ['dap', '--listen=127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'], env: cleanEnv(), detached: true });
    } catch (error) {
      reject(new Error(`could not start Delve: ${(error as Error).message}`));
      return;
    }
    let said = '';
    const timer = setTimeout(() => {
      killProcessGroup(child);
      reject(new Error(`Delve did not start its server within ${timeoutMs} ms${said ? `: ${said.trim().slice(0, 300)}` : ''}`));
    }, timeoutMs);
    const listen = (chunk: Buffer): void => {
      said += chunk.toString('utf8');
      const m = /listening at: 127\.0\.0\.1:(\d+)/.exec(said);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new Error(
          error.code === 'ENOENT'
            ? 'Delve is not installed (apt-get install delve, or go install github.com/go-delve/delve/cmd/dlv)'
            : `could not start Delve: ${error.message}`,
        ),
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Delve ended (exit ${code}) before its server listened${said ? `: ${said.trim().slice(0, 300)}` : ''}`));
    });
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function stackOf(body: unknown): { frames: GoFrame[]; ids: number[] } {
  const list = isRecord(body) && Array.isArray(body.stackFrames) ? body.stackFrames : [];
  const frames: GoFrame[] = [];
  const ids: number[] = [];
  for (const f of list) {
    if (!isRecord(f) || typeof f.name !== 'string' || typeof f.id !== 'number') continue;
    const source = isRecord(f.source) && typeof f.source.path === 'string' && f.source.path !== '' ? f.source.path : null;
    const ip =
      typeof f.instructionPointerReference === 'string' && /^0x[0-9a-f]+$/i.test(f.instructionPointerReference)
        ? f.instructionPointerReference
        : '0x0';
    frames.push({
      function: f.name,
      file: source,
      line: typeof f.line === 'number' && f.line > 0 ? f.line : null,
      address: `0x${BigInt(ip).toString(16)}`,
    });
    ids.push(f.id);
  }
  return { frames, ids };
}

async function panicMessage(client: DapClient, goroutine: Goroutine, timeoutMs: number): Promise<string | null> {
  const ask = async (name: string, expression: string): Promise<string | null> => {
    const at = goroutine.frames.findIndex((f) => f.function === name);
    if (at < 0) return null;
    const answer = await client.request('evaluate', { expression, frameId: goroutine.frameIds[at], context: 'variables' }, timeoutMs);
    return answer.success && isRecord(answer.body) && typeof answer.body.result === 'string' ? answer.body.result : null;
  };
  const panicked = await ask('runtime.gopanic', 'e');
  if (panicked !== null) return `panic: ${panicText(panicked)}`;
  const thrown = (await ask('runtime.throw', 's')) ?? (await ask('runtime.fatal', 's'));
  return thrown !== null ? `fatal error: ${unquote(thrown)}` : null;
}

/** The goroutine whose panic or throw killed the process: a panicking one, else the one on the signalled thread. */
export function panickingGoroutine(goroutines: Goroutine[], crashingThreadId: number): Goroutine | undefined {
  const dying = (g: Goroutine): boolean =>
    g.frames.some((f) =>
      ['runtime.gopanic', 'runtime.fatalpanic', 'runtime.throw', 'runtime.fatalthrow', 'runtime.fatal'].includes(f.function),
    );
  return goroutines.find(dying) ?? goroutines.find((g) => g.thread === crashingThreadId) ?? goroutines.find((g) => g.current);
}

export async function readWithDelve(program: string, core: string, crashingThreadId: number, timeoutMs: number): Promise<DelveReading> {
  const { child, port } = await startDelve(timeoutMs);
  let client: DapClient | null = null;
  try {
    client = await DapClient.open(port, timeoutMs);
    const ask = async (command: string, args: Record<string, unknown>): Promise<unknown> => {
      const answer = await (client as DapClient).request(command, args, timeoutMs);
      if (!answer.success) throw new Error(`Delve refused ${command}: ${answer.message ?? 'no reason given'}`);
      return answer.body;
    };
    await ask('initialize', {
      adapterID: 'go',
      clientID: 'crash-workbench',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
    });
    await ask('launch', { mode: 'core', program, coreFilePath: core });
    await ask('configurationDone', {});
    const body = await ask('threads', {});
    const named = (isRecord(body) && Array.isArray(body.threads) ? body.threads : [])
      .map((t) =>
        isRecord(t) && typeof t.name === 'string' && typeof t.id === 'number' ? { dap: t.id, ...parseGoroutineName(t.name) } : null,
      )
      .filter((t): t is { dap: number; id: number; thread: number | null; current: boolean } => t !== null && t.id !== undefined);
    const goroutines: Goroutine[] = [];
    for (const g of named.slice(0, MAX_GOROUTINES)) {
      const stack = stackOf(await ask('stackTrace', { threadId: g.dap, levels: MAX_GOROUTINE_FRAMES }));
      goroutines.push({ id: g.id, thread: g.thread, current: g.current, frames: stack.frames, frameIds: stack.ids });
    }
    const dying = panickingGoroutine(goroutines, crashingThreadId);
    return { goroutines, total: named.length, message: dying ? await panicMessage(client, dying, timeoutMs) : null };
  } finally {
    client?.close();
    killProcessGroup(child);
  }
}
