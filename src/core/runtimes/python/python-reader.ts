/** Python crashes: the Python frames put in where the interpreter ran them. */

import type { Frame, Thread } from '../../../shared/model';
import { nativeOnly, withFrames, type RuntimeInput, type RuntimeReader, type RuntimeView } from '../runtime-reader';
import { pythonGdbExtension, readPyBt, type PythonFrame } from './py-bt';

/** The interpreter's evaluation loop, where Python frames run: they are shown just above its first frame. */
const EVAL_LOOP = /^(_PyEval_EvalFrameDefault|_PyEval_EvalFrame|PyEval_EvalFrameEx|_PyEval_Vector)$/;

const debugPackage = (version: string | null): string => (version ? `python${version}-dbg` : 'the interpreter’s -dbg package');

function pythonFrame(f: PythonFrame): Frame {
  // A Python frame has no machine address of its own: the interpreter's loop runs it.
  return { index: 0, address: '0x0', function: f.function, file: f.file, line: f.line, module: null, inline: false, language: 'python' };
}

/** The Python frames go in above the evaluation loop's first frame (the innermost call the interpreter made). */
export function withPythonFrames(frames: Frame[], python: PythonFrame[]): Frame[] {
  const loop = frames.findIndex((f) => EVAL_LOOP.test(f.function ?? ''));
  const at = loop < 0 ? frames.length : loop;
  return [...frames.slice(0, at), ...python.map(pythonFrame), ...frames.slice(at)];
}

export const pythonReader: RuntimeReader = {
  runtime: 'python',
  async read(input: RuntimeInput) {
    const version = input.facts.version;
    const extension = version ? pythonGdbExtension(version) : null;
    if (!extension)
      return nativeOnly(
        'python',
        null,
        `the Python frames need CPython's gdb extension and the interpreter's debug symbols, which are not installed: apt-get install ${debugPackage(version)} (or set CRASHWB_PYTHON_GDB to its python-gdb.py)`,
      );
    if (!input.executable) return nativeOnly('python', 'py-bt', 'the Python interpreter was not found on this machine: give it with --exe');
    let read: Awaited<ReturnType<typeof readPyBt>>;
    try {
      read = await readPyBt({
        extension,
        core: input.core,
        executable: input.executable,
        sysroot: input.sysroot,
        debugDirs: input.debugDirs,
        timeoutMs: input.timeoutMs,
      });
    } catch (error) {
      return nativeOnly('python', 'py-bt', `gdb could not read the Python frames: ${(error as Error).message.split('\n')[0]}`);
    }
    if (read.frames.length === 0)
      return nativeOnly(
        'python',
        'py-bt',
        `gdb found no Python frame on the crashing thread (${read.said || 'no answer'}): the interpreter's debug symbols of this very build are missing. Install ${debugPackage(version)} of the same version as the crashed one, or add a debuginfod server that has them`,
      );
    return (threads: Thread[]): RuntimeView => ({
      threads: threads.map((t) => (t.id === input.crashingThreadId ? withFrames(t, withPythonFrames(t.frames, read.frames)) : t)),
      reading: { runtime: 'python', reader: 'py-bt', message: null, missing: null },
      warnings: [],
    });
  },
};
