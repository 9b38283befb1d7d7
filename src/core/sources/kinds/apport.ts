import { apportAttributes, readApportReport } from '../apport';
import { withoutCore, withStoredCore, type CrashSource } from '../crash-input';
import { parseGdbBacktrace, threadFromFrames } from '../text-stack';

/** An apport `.crash` report: its CoreDump into the store, or its Stacktrace when it has none. */
export const apportSource: CrashSource = {
  opens: 'apport',
  name: 'apport report',
  detectFile: (head) => (/^ProblemType: /.test(head.toString('latin1')) ? { kind: 'apport' } : null),
  recognizeName: (name) =>
    name.endsWith('.crash')
      ? { kind: 'apport report', metadata: { executable: name.replace(/\.\d+\.crash$/, '').replace(/_/g, '/') } }
      : null,
  async open(path, shape, storeDir, limits) {
    const report = await readApportReport(path, storeDir, limits.maxCoreBytes, limits.signal);
    const f = report.fields;
    const date = f.Date ? Date.parse(f.Date) : NaN;
    const base = {
      shape,
      origin: 'apport report',
      attributes: apportAttributes(f),
      attachments: f.ProcEnviron ? [{ name: 'ProcEnviron', text: f.ProcEnviron }] : [],
      timestamp: Number.isNaN(date) ? null : new Date(date).toISOString(),
    };
    if (report.core) return withStoredCore(base, report.core);
    const stack = f.Stacktrace ?? f.StacktraceTop ?? '';
    return withoutCore(base, {
      signal: f.Signal ? Number(f.Signal) : null,
      faultAddress: null,
      pid: null,
      executable: f.ExecutablePath ?? null,
      commandLine: (f.ProcCmdline ?? '').replace(/\0/g, ' '),
      threads: [threadFromFrames(parseGdbBacktrace(stack), 0)],
      recordedBy: 'apport',
    });
  },
};
