/** Node.js crashes: JavaScript frames between the native ones, and the error that was thrown. */

import type { Frame, Thread } from '../../../shared/model';
import { DebuggerError } from '../../debugger';
import { nativeOnly, withFrames, type RuntimeInput, type RuntimeReader, type RuntimeView } from '../runtime-reader';
import { symbolsOnlyCopy } from '../../symbols/symbols-only';
import { LLNODE_MISSING, llnodePlugin, readWithLlnode, type LlnodeReading } from './llnode';
import type { V8Frame } from './v8-output';

const OUT_OF_MEMORY = /FatalProcessOutOfMemory|OOMErrorHandler|ReportOOMFailure/;

function javascriptFrame(f: Extract<V8Frame, { kind: 'javascript' }>): Frame {
  return {
    index: 0,
    // V8 runs a script's functions through one interpreter entry: its address names no function.
    address: '0x0',
    function: f.function,
    file: f.script,
    line: f.line,
    ...(f.column !== null ? { column: f.column } : {}),
    ...(f.line !== null ? { position: 'definition' as const } : {}),
    module: null,
    inline: false,
    language: 'javascript',
  };
}

/**
 * llnode's frames with the debugger's own where both saw a native frame (same address): those
 * keep their source lines and inlined frames. Frames the debugger unwound wrongly through V8's
 * generated code, with no match in llnode's walk, are dropped.
 */
export function interleave(v8: V8Frame[], native: Frame[], moduleAt: (address: bigint) => string | null): Frame[] {
  const out: Frame[] = [];
  let next = 0;
  for (const f of v8) {
    if (f.kind === 'javascript') {
      out.push(javascriptFrame(f));
      continue;
    }
    const at = native.findIndex((n, i) => i >= next && n.address === f.address);
    if (at >= 0) {
      let end = at;
      while (native[end]?.inline && native[end + 1]?.address === f.address) end++;
      out.push(...native.slice(at, end + 1));
      next = end + 1;
      continue;
    }
    out.push({
      index: 0,
      address: f.address,
      function: f.kind === 'stub' ? `V8 ${f.name} frame` : f.function,
      file: f.kind === 'native' ? f.file : null,
      line: f.kind === 'native' ? f.line : null,
      module: moduleAt(BigInt(f.address)),
      inline: false,
    });
  }
  // A walk llnode cut short keeps the debugger's outer frames.
  const last = native.at(-1);
  if (next > 0 && last && !v8.some((f) => f.address === last.address)) out.push(...native.slice(next));
  return out;
}

function thrownMessage(reading: LlnodeReading): { message: string | null; note: string | null } {
  const [first] = reading.errors;
  if (!first) return { message: null, note: null };
  const message = first.message === null ? first.type : `${first.type}: ${first.message}`;
  if (reading.errorCount <= 1) return { message, note: null };
  return {
    message,
    note: `the heap holds ${reading.errorCount} error objects and the first is shown as the thrown one; \`v8 findjsinstances -d ${first.type}\` in the lldb console lists them`,
  };
}

/** llnode's view of a Node.js core, or the native one with why where llnode could not read it. */
async function readNode(input: RuntimeInput): Promise<(threads: Thread[]) => RuntimeView> {
  const plugin = llnodePlugin();
  if (!plugin) return nativeOnly('node', null, LLNODE_MISSING);
  const { facts, executable } = input;
  if (!executable)
    return nativeOnly(
      'node',
      'llnode',
      'the node executable was not found on this machine, and llnode needs it to read V8’s heap: give it with --exe',
    );
  // Only node itself is copied: a libnode.so is loaded where the core recorded it.
  const copy = facts.module.hostPath === executable ? await symbolsOnlyCopy(executable, facts.module.buildId, input.symbolCache) : null;
  let reading: LlnodeReading;
  try {
    reading = await readWithLlnode({
      plugin,
      core: input.core,
      executable: copy?.path ?? executable,
      sysroot: input.sysroot,
      solibDirs: input.solibDirs,
      timeoutMs: input.timeoutMs,
    });
  } catch (error) {
    if (!(error instanceof DebuggerError)) throw error;
    return nativeOnly('node', 'llnode', `llnode could not read this core: ${error.message}`);
  }
  const thrown = thrownMessage(reading);
  return (threads: Thread[]): RuntimeView => {
    const crashed = threads.find((t) => t.id === input.crashingThreadId);
    const frames = crashed ? interleave(reading.frames, crashed.frames, input.moduleAt) : [];
    const found = frames.some((f) => f.language === 'javascript');
    const notes = [copy?.note, thrown.note].filter((n): n is string => typeof n === 'string');
    return {
      threads: threads.map((t) => (t === crashed && found ? withFrames(t, frames) : t)),
      reading: {
        runtime: 'node',
        reader: 'llnode',
        message: thrown.message,
        missing: found
          ? null
          : 'llnode found no JavaScript frame on the crashing thread: it was in native code only, or V8’s version is one llnode does not know',
      },
      warnings: notes.map((message) => ({ kind: 'debugger' as const, message })),
    };
  };
}

export const nodeReader: RuntimeReader = {
  runtime: 'node',
  async read(input: RuntimeInput) {
    const lay = await readNode(input);
    return (threads: Thread[]) => outOfMemory(lay(threads));
  },
};

/** V8 out of memory says so, whatever llnode read: its fatal handler is on the native stack. */
function outOfMemory(view: RuntimeView): RuntimeView {
  if (view.reading.message) return view;
  const oom = view.threads.some((t) => t.crashed && t.frames.some((f) => OUT_OF_MEMORY.test(f.function ?? '')));
  return oom ? { ...view, reading: { ...view.reading, message: 'JavaScript heap out of memory' } } : view;
}
