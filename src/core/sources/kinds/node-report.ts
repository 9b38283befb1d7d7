import type { Thread } from '../../../shared/model';
import { withoutCore, type CrashSource } from '../crash-input';
import { isNodeReportHead, jsThread, nativeThread, readNodeReport, type NodeReport } from '../node-report';

/** The error's class from V8's "TypeError: message", when the message starts with one. */
const errorClass = (message: string | null): string | null => /^([A-Za-z_$][\w$]*(?:Error|Exception))\b/.exec(message ?? '')?.[1] ?? null;

/** What ended the process, as the report's trigger and event say it. */
function reasonOf(report: NodeReport): { name: string; explanation: string } {
  switch (report.trigger) {
    case 'Exception':
      return { name: errorClass(report.message) ?? 'uncaught exception', explanation: `Uncaught ${report.message ?? 'exception'}` };
    case 'OOMError':
      return { name: 'out of memory', explanation: `Node.js ran out of memory: ${report.event}` };
    case 'FatalError':
      return { name: 'fatal error', explanation: `Node.js fatal error: ${report.event}` };
    case 'Signal':
      return { name: report.event, explanation: `a report written on ${report.event}; the process may have gone on running` };
    default:
      return {
        name: 'report',
        explanation: `a report written by ${report.trigger === 'API' ? 'process.report.writeReport()' : report.trigger}, not at a crash`,
      };
  }
}

/** The JavaScript stack as the crashing thread, unless it died outside JavaScript (out of memory): then the native one. */
function threadsOf(report: NodeReport): Thread[] {
  const js = jsThread(report);
  const native = report.nativeStack.length ? nativeThread(report) : null;
  if (!native) return [js];
  if (js.frames.length) return [js, native];
  return [
    { ...native, number: 1, crashed: true },
    { ...js, number: 2, crashed: false },
  ];
}

/** A Node.js diagnostic report, on its own: the JavaScript stack that threw, the native stack that wrote it. */
export const nodeReportSource: CrashSource = {
  opens: 'node-report',
  name: 'Node.js diagnostic report',
  detectFile: (head) => (isNodeReportHead(head) ? { kind: 'node-report' } : null),
  recognizeName: (name) => (/^report\.\d{8}\.\d{6}\.\d+\.\d+\.\d+\.json$/.test(name) ? { kind: 'Node.js report', metadata: {} } : null),
  async open(path, shape) {
    const report = await readNodeReport(path);
    const attributes: Record<string, string> = { runtime: 'node' };
    if (report.nodeVersion) attributes['node.version'] = report.nodeVersion;
    if (report.host) attributes.hostname = report.host;
    if (report.arch) attributes.arch = report.arch;
    attributes['node.trigger'] = report.trigger;
    const time = report.time ? Date.parse(report.time) : NaN;
    return withoutCore(
      {
        shape,
        origin: 'Node.js diagnostic report',
        attributes,
        attachments: report.sharedObjects.length ? [{ name: 'shared objects', text: report.sharedObjects.join('\n') }] : [],
        timestamp: Number.isNaN(time) ? null : new Date(time).toISOString(),
      },
      {
        signal: null,
        faultAddress: null,
        pid: report.pid,
        executable: report.commandLine[0] ?? 'node',
        commandLine: report.commandLine.join(' '),
        threads: threadsOf(report),
        recordedBy: `Node.js ${report.nodeVersion ?? ''}`.trim(),
        reason: reasonOf(report),
        environment: report.environment,
      },
    );
  },
  identity: async (path) => [path],
};
