import type {
  Crash,
  CrashEvent,
  ExportFile,
  ExportFormat,
  ExportPreview,
  ExportRequest,
  ExportTarget,
  GroupDetail,
  GroupNotes,
  RedactionRules,
} from '../../shared/model';
import type { PdfRenderer } from './pdf';
import { maintainedSecrets } from './maintained-secrets';
import { redactReport, textsOf } from './redact-report';
import { REPORT_CRASHES, crashReport, groupReport, type ReportData, type SourceReader } from './report-data';
import { reportBlocks } from './report-document';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-markdown';

export interface ReportSources {
  crash(id: string): Promise<Crash>;
  readSource: SourceReader;
  group(id: number): Promise<GroupDetail>;
  /** A group's newest crashes, newest first. */
  newestEvents(id: number, limit: number): CrashEvent[];
  /** The group a crash is in, for its title and notes. */
  groupOf(crashId: string): number | null;
  groupTitle(groupId: number): string;
  notes(groupId: number): GroupNotes;
  rules(): RedactionRules;
  pdf: PdfRenderer;
}

const MIME: Record<ExportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json',
  pdf: 'application/pdf',
};

/** Builds, redacts and renders reports of a crash or a group. */
export class Reports {
  constructor(private readonly sources: ReportSources) {}

  /** Everything a report holds, before redaction. */
  async data(target: ExportTarget): Promise<ReportData> {
    const s = this.sources;
    const base = { generatedAt: new Date().toISOString(), redactions: {}, redacted: false };
    if (target.kind === 'crash') {
      const crash = await s.crash(target.id);
      const groupId = s.groupOf(crash.id);
      return {
        ...base,
        kind: 'crash',
        title: `Crash ${crash.id.slice(0, 12)}: ${groupId === null ? crash.signal.explanation : s.groupTitle(groupId)}`,
        crash: await crashReport(crash, s.readSource),
        group: null,
        notes: groupId === null ? null : s.notes(groupId),
      };
    }
    const detail = await s.group(target.id);
    if (!detail.representative) throw new Error(`group ${target.id} has no crashes to report`);
    const crash = await s.crash(detail.representative.crashId);
    return {
      ...base,
      kind: 'group',
      title: `Group #${target.id}: ${detail.group.title}`,
      crash: await crashReport(crash, s.readSource),
      group: groupReport(detail, s.newestEvents(target.id, REPORT_CRASHES)),
      notes: detail.notes,
    };
  }

  private async prepared(request: ExportRequest): Promise<{ data: ReportData; removed: ExportPreview['removed']; rules: RedactionRules }> {
    const rules = request.rules ?? this.sources.rules();
    const raw = await this.data(request.target);
    if (!request.redact) return { data: raw, removed: [], rules };
    const known = rules.secrets ? await maintainedSecrets(textsOf(raw)) : [];
    return { ...redactReport(raw, rules, known), rules };
  }

  async preview(request: ExportRequest): Promise<ExportPreview> {
    const { data, removed, rules } = await this.prepared(request);
    return { rules, removed, markdown: renderMarkdown(reportBlocks(data)) };
  }

  async export(request: ExportRequest): Promise<ExportFile> {
    const { data, removed } = await this.prepared(request);
    const bytes = await render(data, request.format, this.sources.pdf);
    const name = request.target.kind === 'crash' ? `crash-${request.target.id.slice(0, 12)}` : `group-${request.target.id}`;
    return { fileName: `${name}.${request.format}`, mimeType: MIME[request.format], base64: bytes.toString('base64'), removed };
  }
}

async function render(data: ReportData, format: ExportFormat, pdf: PdfRenderer): Promise<Buffer> {
  switch (format) {
    case 'json':
      return Buffer.from(`${JSON.stringify(data, null, 2)}\n`);
    case 'md':
      return Buffer.from(renderMarkdown(reportBlocks(data)));
    case 'html':
      return Buffer.from(renderHtml(reportBlocks(data), data.title));
    case 'pdf':
      return pdf(renderHtml(reportBlocks(data), data.title));
  }
}
