import type { ExportFile, ExportPreview, ExportRequest, RedactionRules } from '../../shared/model';
import type { ReportsApi } from '../../shared/services/reports';
import { Reports, type ReportSources } from '../report/exporter';
import { DEFAULT_REDACTION, checkRules } from '../report/redactor';
import type { CrashStore } from '../store/crash-store';

const REDACTION_RULES = 'redactionRules';

/** Reports of a crash or a group, redacted by the rules kept in the database unless a request brings its own. */
export class ReportsService implements ReportsApi {
  private readonly reports: Reports;

  constructor(
    private readonly store: CrashStore,
    sources: Omit<ReportSources, 'rules'>,
  ) {
    this.reports = new Reports({ ...sources, rules: () => this.rules() });
  }

  private rules(): RedactionRules {
    return { ...DEFAULT_REDACTION, ...this.store.getSetting<Partial<RedactionRules>>(REDACTION_RULES, {}) };
  }

  async getRedactionRules(): Promise<RedactionRules> {
    return this.rules();
  }

  async saveRedactionRules(rules: RedactionRules): Promise<RedactionRules> {
    this.store.setSetting(REDACTION_RULES, checkRules(rules));
    return rules;
  }

  previewExport(request: ExportRequest): Promise<ExportPreview> {
    return this.reports.preview(request);
  }

  exportReport(request: ExportRequest): Promise<ExportFile> {
    return this.reports.export(request);
  }
}
