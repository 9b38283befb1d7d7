/**
 * Python crashes: CPython's own gdb extension (`python3.X-gdb.py`, shipped with the interpreter's
 * debug package) reads the Python frames of the crashing thread (`py-bt`) where the interpreter's
 * debug symbols are found.
 */

import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gdbArguments } from '../../debugger/gdb/safe-init';
import { cleanEnv } from '../../platform/debugger-process';
import { PathAliases } from '../../platform/path-aliases';
import { pythonFrameLine } from '../../sources/runtime-text';
import { debuggerDebugDirs } from '../../symbols/locate';

const run = promisify(execFile);
const AUTO_LOAD = '/usr/share/gdb/auto-load';
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface PythonFrame {
  function: string;
  file: string;
  line: number | null;
}

/**
 * CPython's gdb extension for a version, from the system's gdb auto-load folder only (never from a
 * path the core names: the file is Python that gdb runs), or CRASHWB_PYTHON_GDB.
 */
export function pythonGdbExtension(version: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.CRASHWB_PYTHON_GDB) return existsSync(env.CRASHWB_PYTHON_GDB) ? env.CRASHWB_PYTHON_GDB : null;
  const candidates = [join(AUTO_LOAD, 'usr', 'bin', `python${version}-gdb.py`)];
  const libDir = join(AUTO_LOAD, 'usr', 'lib');
  for (const triplet of existsSync(libDir) ? readdirSync(libDir) : [])
    candidates.push(join(libDir, triplet, `libpython${version}.so.1.0-gdb.py`));
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** `py-bt`'s frames, innermost first: `  File "/app/x.py", line 6, in read_header`, as a traceback prints them. */
export function parsePyBt(output: string): PythonFrame[] {
  return output.split('\n').flatMap((line) => {
    const f = pythonFrameLine(line);
    return f?.file && f.function ? [{ file: f.file, line: f.line, function: f.function }] : [];
  });
}

export interface PyBtInput {
  extension: string;
  core: string;
  executable: string;
  sysroot: string | null;
  debugDirs: string[];
  timeoutMs: number;
}

/** `py-bt` on the crashing thread, which gdb selects as it loads the core; gdb's answer when it finds no Python frame ("Unable to locate python frame"). */
export async function readPyBt(input: PyBtInput): Promise<{ frames: PythonFrame[]; said: string }> {
  const aliases = new PathAliases();
  try {
    const dirs = debuggerDebugDirs(input.debugDirs).map((d) => aliases.alias(d));
    const args = [
      '-nx',
      '-batch',
      ...gdbArguments([
        `set debug-file-directory ${dirs.join(':')}`,
        ...(input.sysroot ? [`set sysroot ${aliases.alias(input.sysroot)}`] : []),
      ]),
      '-ex',
      `source ${aliases.alias(input.extension)}`,
      '-ex',
      'py-bt',
      aliases.alias(input.executable),
      aliases.alias(input.core),
    ];
    const { stdout, stderr } = await run('gdb', args, {
      timeout: input.timeoutMs,
      killSignal: 'SIGKILL',
      env: cleanEnv(),
      maxBuffer: MAX_OUTPUT_BYTES,
    });
    const frames = parsePyBt(stdout);
    return { frames, said: frames.length ? '' : `${stdout}\n${stderr}`.trim().split('\n').slice(-2).join(' ') };
  } finally {
    aliases.dispose();
  }
}
