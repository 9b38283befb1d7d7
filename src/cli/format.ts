import type { CrashAnalysis } from '../shared/model';
import {
  framePosition,
  frameLabel,
  runtimeLine,
  shownAddress,
  systemLine,
  threadHeading,
  threadMention,
  nameBesideHeading,
  uptimeWords,
  type ModuleBase,
} from '../shared/frame-label';
import { tailCallWords, withTailCalls, type ShownFrame } from '../shared/tail-calls';

function frameLine(f: ShownFrame, modules: ModuleBase[]): string {
  // An inferred tail call has no frame number of its own: it sits above the frame that called it.
  if (f.tailCall)
    return `  ${'↳'.padEnd(4)} ${f.address.padEnd(18)} ${f.function ?? '??'}${f.inline ? ' [inlined]' : ''}${f.file ? ` at ${f.file}${f.line !== null ? `:${f.line}` : ''}` : ''}  [${tailCallWords(f.tailCall)}]`;
  const position = framePosition(f);
  const where = position
    ? f.position === 'definition'
      ? `, ${position}`
      : ` at ${position}`
    : f.function && f.module
      ? ` in ${f.module}`
      : '';
  const language = f.language ? `  [${f.language}]` : '';
  // Walked frames say how they were found, as minidump-stackwalk does; a scan is a guess.
  const found = f.trust && f.trust !== 'context' ? `  [${f.trust}]` : '';
  const startup = f.pastMain ? '  [past main]' : '';
  return `  #${String(f.index).padEnd(3)} ${shownAddress(f).padEnd(18)} ${frameLabel(f, modules)}${f.inline ? ' [inlined]' : ''}${where}${found}${startup}${language}`;
}

/** The human-readable report of `crashwb analyze`. */

export function formatCrash(crash: CrashAnalysis): string {
  const out: string[] = [];
  const said = runtimeLine(crash.runtime);
  if (said) out.push(said);
  out.push(crash.signal.explanation);
  out.push(
    `  process ${crash.pid}: ${crash.commandLine || '(no command line)'}${crash.uptimeSeconds !== undefined ? ` (ran ${uptimeWords(crash.uptimeSeconds)})` : ''}`,
  );
  out.push(`  executable ${crash.executable ?? '(unknown)'}${crash.executableBuildId ? ` (build-id ${crash.executableBuildId})` : ''}`);
  // Only a minidump says what system it came from: its stacks are the workbench's own walk, with lldb beside it.
  out.push(
    `  ${crash.system ? 'dump' : 'core'} ${crash.source} (${crash.size} bytes), ${crash.system ? `read by crashwb's stack walker and ${crash.debugger}` : `analysed with ${crash.debugger}`}`,
  );
  if (crash.system) out.push(`  system ${systemLine(crash.system)}`);
  if (crash.runtime?.missing) out.push(`${crash.runtime.runtime}: ${crash.runtime.missing}`);
  for (const w of crash.warnings) out.push(`warning: ${w.message}`);
  if (crash.analysisError) out.push(`error: ${crash.analysisError}`);
  for (const t of crash.threads) {
    out.push('');
    const heading = t.crashed ? `Crashed ${threadMention(t)}` : threadHeading(t);
    out.push(`${heading}${nameBesideHeading(t) ? ` "${t.name}"` : ''}:`);
    // A loop, not push(...frames): a stack of many thousand (inlined) frames exceeds the call stack as arguments.
    for (const f of withTailCalls(t.frames)) out.push(frameLine(f, crash.modules));
    if (t.framesTruncated) out.push(`  … stack cut at ${t.frames.length} frames`);
  }
  const missing = crash.modules.filter((m) => m.symbols === 'missing' || m.symbols === 'none');
  if (missing.length) {
    out.push('');
    out.push('Modules without symbols:');
    for (const m of missing) out.push(`  ${m.path} ${m.buildId ?? ''} (${m.symbols})`);
  }
  return out.join('\n');
}

/** The stable JSON shape of `crashwb analyze --json`. */
export function crashJson(crash: CrashAnalysis): unknown {
  return {
    source: crash.source,
    signal: {
      number: crash.signal.number,
      name: crash.signal.name,
      code: crash.signal.code,
      codeName: crash.signal.codeName,
      faultAddress: crash.signal.faultAddress,
      explanation: crash.signal.explanation,
    },
    ...(crash.system ? { system: crash.system } : {}),
    pid: crash.pid,
    ...(crash.uptimeSeconds !== undefined ? { uptimeSeconds: crash.uptimeSeconds } : {}),
    commandLine: crash.commandLine,
    executable: crash.executable,
    executableBuildId: crash.executableBuildId,
    debugger: crash.debugger,
    crashingThreadId: crash.crashingThreadId,
    threads: crash.threads,
    modules: crash.modules,
    warnings: crash.warnings,
    analysisError: crash.analysisError,
    ...(crash.attachments?.length ? { attachments: crash.attachments } : {}),
    ...(crash.runtime ? { runtime: crash.runtime } : {}),
  };
}
