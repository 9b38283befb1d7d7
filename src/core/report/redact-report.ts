import type { FacetValue, Redaction, RedactionRules } from '../../shared/model';
import type { CrashReport, GroupReport, ReportData, ReportFrame, ReportThread } from './report-data';
import { Redactor, isHostKey } from './redactor';

/** Every text a report holds, for a scan of the whole before it is redacted field by field. */
export function textsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  // Lines of a source snippet are scanned as the block they are (a private key spans them).
  else if (Array.isArray(value) && value.length && value.every((v) => typeof v === 'string')) out.push(value.join('\n'));
  else if (Array.isArray(value)) for (const v of value) textsOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textsOf(v, out);
  return out;
}

/** The hosts a report names: what to hide everywhere when hostnames are redacted. */
function hostnamesIn(data: ReportData): string[] {
  const hosts = Object.entries(data.crash.attributes)
    .filter(([key]) => isHostKey(key))
    .map(([, value]) => value);
  for (const [key, values] of Object.entries(data.group?.attributes ?? {})) if (isHostKey(key)) hosts.push(...values.map((v) => v.value));
  for (const c of data.group?.crashes ?? []) if (c.host) hosts.push(c.host);
  return hosts;
}

function redactFrame(r: Redactor, f: ReportFrame, where: string): ReportFrame {
  return {
    ...f,
    function: f.function === null ? null : r.symbol(f.function, `${where} function`),
    file: f.file === null ? null : r.text(f.file, `${where} file`),
    module: f.module === null ? null : r.text(f.module, `${where} module`),
    source: f.source
      ? {
          ...f.source,
          path: r.text(f.source.path, `${where} source`),
          // One block, so that what spans lines (a private key) is seen whole; it keeps its line count.
          lines: r
            .text(
              f.source.lines.join('\n'),
              `${where} source lines ${f.source.firstLine}-${f.source.firstLine + f.source.lines.length - 1}`,
              'source',
            )
            .split('\n'),
        }
      : null,
  };
}

function redactThread(r: Redactor, t: ReportThread): ReportThread {
  const where = `thread ${t.number}`;
  return {
    ...t,
    name: t.name === null ? null : r.text(t.name, `${where} name`),
    frames: t.frames.map((f) => redactFrame(r, f, `${where} frame #${f.index}`)),
  };
}

const redactAttributes = (r: Redactor, attributes: Record<string, string>, where: string): Record<string, string> =>
  Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, r.attribute(k, v, `${where} ${k}`)]));

function redactCrash(r: Redactor, c: CrashReport): CrashReport {
  return {
    ...c,
    signal: { ...c.signal, explanation: r.text(c.signal.explanation, 'signal explanation') },
    executable: c.executable === null ? null : r.text(c.executable, 'executable'),
    version: c.version,
    host: c.host === null ? null : r.attribute('hostname', c.host, 'host'),
    commandLine: r.commandLine(c.commandLine, 'command line'),
    environment: c.environment.map((e) => r.environment(e, 'environment')),
    crashingThread: c.crashingThread ? redactThread(r, c.crashingThread) : null,
    threads: c.threads.map((t) => redactThread(r, t)),
    modules: c.modules.map((m) => ({
      ...m,
      path: r.text(m.path, `module ${m.path.split('/').pop() ?? ''}`),
      debugFile: m.debugFile === null ? null : r.text(m.debugFile, 'module debug file'),
    })),
    attributes: redactAttributes(r, c.attributes, 'attribute'),
    warnings: c.warnings.map((w) => r.text(w, 'warning')),
    analysisError: c.analysisError === null ? null : r.text(c.analysisError, 'analysis error'),
  };
}

const redactValues = (r: Redactor, key: string, values: FacetValue[], where: string): FacetValue[] =>
  values.map((v) => ({ ...v, value: r.attribute(key, v.value, where) }));

function redactGroup(r: Redactor, g: GroupReport): GroupReport {
  return {
    ...g,
    versions: redactValues(r, 'version', g.versions, 'group versions'),
    hosts: redactValues(r, 'hostname', g.hosts, 'group hosts'),
    attributes: Object.fromEntries(Object.entries(g.attributes).map(([k, v]) => [k, redactValues(r, k, v, `group attribute ${k}`)])),
    crashes: g.crashes.map((c) => ({ ...c, host: c.host === null ? null : r.attribute('hostname', c.host, 'group crash host') })),
  };
}

/** The report with the rules applied to every field that can hold a secret, and what was removed. */
export function redactReport(data: ReportData, rules: RedactionRules, known: string[] = []): { data: ReportData; removed: Redaction[] } {
  const r = new Redactor(rules, hostnamesIn(data), known);
  const redacted: ReportData = {
    ...data,
    title: r.symbol(data.title, 'title'),
    crash: redactCrash(r, data.crash),
    group: data.group ? redactGroup(r, { ...data.group, title: r.symbol(data.group.title, 'group title') }) : null,
    notes: data.notes
      ? {
          ...data.notes,
          text: r.text(data.notes.text, 'notes'),
          ticket: data.notes.ticket === null ? null : r.text(data.notes.ticket, 'ticket'),
        }
      : null,
    redacted: true,
  };
  redacted.redactions = r.counts();
  return { data: redacted, removed: r.list() };
}
