import { spawn } from 'node:child_process';
import { MAX_SNAPSHOT_BYTES } from '../shared/reporter-protocol';
import type { DebuggerKind } from '../shared/model';

export interface HostAnalysisOptions {
  debugger: DebuggerKind;
  /** The whole analysis is stopped after this long. */
  timeoutMs: number;
  /** Address space for the analysis and its debugger (ulimit -v). */
  memoryMb: number;
  debugDirs: string[];
  solibDirs: string[];
  /** The crashwb CLI to run (this one by default). */
  cli?: string;
}

/** What the host's analysis gave: the JSON of `crashwb analyze --json`, or why there is none. */
export type HostAnalysis = { analysis: unknown; error: null } | { analysis: null; error: string };

/**
 * Analyses a core on the host where it happened, where the program and libraries are the very
 * builds that crashed: `crashwb analyze --json` in a child process under a memory limit and a
 * time limit, so a huge or hostile core costs the host a bounded amount. Any failure (no debugger,
 * the debugger failing, a timeout, memory) is an answer with a reason, never a throw.
 */
export function analyseOnHost(core: string, options: HostAnalysisOptions): Promise<HostAnalysis> {
  const cli = options.cli ?? process.argv[1] ?? '';
  const args = [
    String(options.memoryMb * 1024),
    process.execPath,
    cli,
    'analyze',
    '--json',
    '--debugger',
    options.debugger,
    ...options.debugDirs.flatMap((d) => ['--debug-dir', d]),
    ...options.solibDirs.flatMap((d) => ['--solib-dir', d]),
    core,
  ];
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', 'ulimit -v "$1"; shift; exec "$@"', 'sh', ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The host's own symbol servers are not asked: the host has the files that crashed.
      env: { ...process.env, DEBUGINFOD_URLS: '' },
    });
    const out: Buffer[] = [];
    let size = 0;
    let err = '';
    let settled = false;
    const finish = (result: HostAnalysis): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const kill = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    };
    const timer = setTimeout(() => {
      kill();
      finish({ analysis: null, error: `the analysis on the host took longer than ${options.timeoutMs / 1000} s and was stopped` });
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SNAPSHOT_BYTES) {
        kill();
        finish({ analysis: null, error: `the analysis on the host printed more than ${MAX_SNAPSHOT_BYTES} bytes` });
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2000)));
    child.once('error', (error) => finish({ analysis: null, error: `cannot run the analysis on the host: ${error.message}` }));
    child.once('close', (code, signal) => {
      const text = Buffer.concat(out).toString('utf8');
      if ((code === 0 || code === 3) && text.startsWith('{')) {
        try {
          const analysis = JSON.parse(text) as { analysisError?: string | null };
          if (analysis.analysisError) finish({ analysis: null, error: `the debugger on the host failed: ${analysis.analysisError}` });
          else finish({ analysis, error: null });
          return;
        } catch (error) {
          finish({ analysis: null, error: `the analysis on the host printed no JSON: ${(error as Error).message}` });
          return;
        }
      }
      const why = signal ? `was killed by ${signal} (memory limit ${options.memoryMb} MB?)` : `exited with ${code}`;
      finish({ analysis: null, error: `the analysis on the host ${why}: ${err.trim().split('\n').pop() ?? ''}` });
    });
  });
}
