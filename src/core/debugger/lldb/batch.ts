import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebuggerError } from '../errors';
import { cleanEnv, killProcessGroup } from '../../platform/debugger-process';

/**
 * A file for lldb's output that has no name (unlinked once open): writes to it never fail for
 * want of a reader. lldb ignores SIGPIPE, and was measured spinning at 100 % of a core, for good,
 * when the reader of a pipe went away while it loaded a core (a workbench killed mid-analysis).
 */
function anonymousFile(): number {
  const path = join(tmpdir(), `crashwb-lldb-${randomUUID()}`);
  let fd: number;
  try {
    fd = openSync(path, 'wx+', 0o600);
  } catch (error) {
    throw new DebuggerError('lldb', 'starting', `could not make a file for lldb's output in ${tmpdir()}: ${String(error)}`);
  }
  unlinkSync(path);
  return fd;
}

function readAll(fd: number): string {
  const bytes = Buffer.alloc(fstatSync(fd).size);
  for (let at = 0; at < bytes.length;) {
    const read = readSync(fd, bytes, at, bytes.length - at, at);
    if (read === 0) break;
    at += read;
  }
  return bytes.toString('utf8');
}

/**
 * Runs lldb once with the commands and returns all it printed; a run past `timeoutMs` is killed.
 * Its errors come in order among its output (2>&1), with no input: lldb left on a terminal whose
 * reader had gone was seen spinning for good, and nothing here needs a terminal.
 */
export function runBatch(commands: string[], timeoutMs: number): Promise<string> {
  const args = ['--no-lldbinit', '--batch', ...commands.flatMap((c) => ['-o', c])];
  // coreutils' timeout bounds lldb's life by itself: when this process dies mid-run (a server
  // killed), lldb stuck unwinding a dump would otherwise run on as an orphan, as it was found to.
  const limit = String(Math.ceil(timeoutMs / 1000) + 5);
  const script =
    'limit="$1"; shift; if command -v timeout >/dev/null 2>&1; then exec timeout -k 5 "$limit" "$0" "$@" 2>&1; fi; exec "$0" "$@" 2>&1';
  const output = anonymousFile();
  let child: ChildProcess;
  try {
    child = spawn('/bin/sh', ['-c', script, 'lldb', limit, ...args], {
      stdio: ['ignore', output, 'ignore'],
      env: cleanEnv(),
      detached: true,
    });
  } catch (error) {
    closeSync(output);
    throw new DebuggerError('lldb', 'starting', `could not start /bin/sh for lldb: ${String(error)}`);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killProcessGroup(child);
      reject(
        new DebuggerError(
          'lldb',
          'extracting threads',
          `no result within ${timeoutMs} ms; lldb was stopped. Try gdb for this core (--debugger gdb)`,
        ),
      );
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new DebuggerError('lldb', 'starting', `could not start /bin/sh for lldb: ${error.message}`));
    });
    // 'close' comes last in every case, after an 'error' too: the output is read and closed here only.
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      let text: string;
      try {
        text = readAll(output);
      } catch (error) {
        reject(new DebuggerError('lldb', 'reading its output', String(error)));
        return;
      } finally {
        closeSync(output);
      }
      if (exitCode === 127 || /command not found|No such file/.test(text.slice(0, 200))) {
        reject(new DebuggerError('lldb', 'starting', 'lldb is not installed (apt-get install lldb)'));
      } else resolve(text);
    });
  });
}
