import { create } from 'zustand';
import type { CrashComparison, ExportTarget, GroupComparison } from '../../../shared/model';
import { api } from '../api';
import type { ReportsApi } from '../../../shared/services/reports';

export type Comparison = { kind: 'crashes'; value: CrashComparison } | { kind: 'groups'; value: GroupComparison };

interface ReportState {
  comparison: Comparison | null;
  /** What the export dialog is open for. */
  exportTarget: ExportTarget | null;
  error: string | null;
  compareCrashes(a: string, b: string): Promise<void>;
  compareGroups(a: number, b: number): Promise<void>;
  closeComparison(): void;
  openExport(target: ExportTarget): void;
  closeExport(): void;
  dismissError(): void;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Comparisons and exports: opened from the crash and group views, shown over them. */
export const useReportStore = create<ReportState>((set) => ({
  comparison: null,
  exportTarget: null,
  error: null,
  async compareCrashes(a, b) {
    try {
      set({ comparison: { kind: 'crashes', value: await api.compareCrashes(a, b) }, error: null });
    } catch (error) {
      set({ error: message(error) });
    }
  },
  async compareGroups(a, b) {
    try {
      set({ comparison: { kind: 'groups', value: await api.compareGroups(a, b) }, error: null });
    } catch (error) {
      set({ error: message(error) });
    }
  },
  closeComparison: () => set({ comparison: null }),
  openExport: (exportTarget) => set({ exportTarget, error: null }),
  closeExport: () => set({ exportTarget: null }),
  dismissError: () => set({ error: null }),
}));

/** The export dialog's own reads and writes: the redaction rules, a preview, the file. */
export const exportRequests: Pick<ReportsApi, 'getRedactionRules' | 'saveRedactionRules' | 'previewExport' | 'exportReport'> = api;
