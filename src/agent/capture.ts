import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { Attachment } from '../shared/model';
import { SNAPSHOT_FORMAT, type CrashSnapshot, type ModuleFact } from '../shared/reporter-protocol';
import type { CapturePlan } from './capture-plan';
import { analyseOnHost, type HostAnalysisOptions } from './host-analysis';
import { moduleFacts } from './module-facts';
import { runtimeOutputOf, type RuntimeOutputOptions } from './runtime-output';
import { spooled, type Warn } from './spool';

export interface CaptureRequest {
  plan: Omit<CapturePlan, 'route'>;
  snapshot: HostAnalysisOptions | null;
  /** Picks the route (project) for the crashed executable. */
  routeFor(executable: string): number | null;
  /** Where the runtime's own output is looked for (tests give their own /proc). */
  runtimeOutput?: RuntimeOutputOptions;
}

/** The analysis JSON (`crashwb analyze --json`, checked by the workbench when it reads it) with the runtime's output beside it. */
function withAttachments(analysis: unknown, attachments: Attachment[]): unknown {
  if (!attachments.length || typeof analysis !== 'object' || analysis === null) return analysis;
  const before = (analysis as { attachments?: unknown }).attachments;
  return { ...analysis, attachments: [...(Array.isArray(before) ? before : []), ...attachments] };
}

/**
 * What is learnt on the host right after a core is spooled, while its program and libraries are
 * the builds that crashed: the executable's build-id (metadata), each module's build-id and
 * package, the snapshot (the host's own analysis) when asked, and the plan for sending. A step
 * that fails leaves the core to be sent as it is, with a line saying why.
 */
export async function prepareCapture(spool: string, name: string, request: CaptureRequest, warn: Warn): Promise<void> {
  const files = spooled(spool, name);
  const meta = JSON.parse(await readFile(files.meta, 'utf8')) as Record<string, string>;
  let modules: ModuleFact[] = [];
  let executable = meta.executable ?? '';
  try {
    const { readCore } = await import('../core/elf/core-file');
    const core = await readCore(files.core);
    const exe = core.modules.find((m) => m.path === core.executablePath);
    if (exe?.buildId) meta.build_id = exe.buildId;
    executable = core.executablePath ?? executable;
    modules = await moduleFacts(core);
    const owner = modules.find((m) => m.path === core.executablePath);
    if (owner?.package) Object.assign(meta, { package: owner.package, 'package.version': owner.version ?? '' });
    await writeFile(files.modules, JSON.stringify(modules), { mode: 0o600 });
  } catch (error) {
    warn(`no module facts for ${name}: ${(error as Error).message}`);
  }
  const plan: CapturePlan = { ...request.plan, route: request.routeFor(executable) };
  // Read while the process is still being dumped: its /proc entry goes when the handler ends.
  const attachments = await runtimeOutputOf(Number(meta.pid), warn, request.runtimeOutput);
  if (attachments.length) await writeFile(files.attachments, JSON.stringify(attachments), { mode: 0o600 });
  if (request.snapshot) {
    const result = await analyseOnHost(files.core, request.snapshot);
    if (result.error !== null) {
      warn(`no snapshot for ${name}, the core will be sent: ${result.error}`);
      meta.snapshot_error = result.error.slice(0, 1000);
    } else {
      const snapshot: CrashSnapshot = {
        format: SNAPSHOT_FORMAT,
        coreSha256: meta.sha256 ?? '',
        coreSize: (await stat(files.core)).size,
        capturedAt: new Date().toISOString(),
        analysis: withAttachments(result.analysis, attachments),
        analysisError: null,
        modules,
      };
      const body = JSON.stringify(snapshot);
      plan.snapshotSha256 = createHash('sha256').update(body).digest('hex');
      await writeFile(files.snapshot, body, { mode: 0o600 });
    }
  }
  await writeFile(files.meta, JSON.stringify(meta), { mode: 0o600 });
  await writeFile(files.plan, JSON.stringify(plan), { mode: 0o600 });
}
