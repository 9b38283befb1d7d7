import { create } from 'zustand';
import type {
  CrashEvent,
  Facet,
  FacetValue,
  GroupDetail,
  GroupQuery,
  GroupStatus,
  GroupSummary,
  ImportProgressEvent,
  ImportReport,
} from '../../../shared/model';
import { api } from '../api';

interface GroupsState {
  groups: GroupSummary[];
  facets: Partial<Record<Facet, FacetValue[]>>;
  query: GroupQuery;
  matching: number;
  setQuery(change: Partial<GroupQuery>): void;
  selectedGroupId: number | null;
  events: CrashEvent[];
  detail: GroupDetail | null;
  importing: ImportProgressEvent | null;
  lastImport: ImportReport | null;
  error: string | null;
  refresh(): Promise<void>;
  selectGroup(id: number): Promise<void>;
  setStatus(id: number, status: GroupStatus): Promise<void>;
  merge(sourceId: number, targetId: number): Promise<void>;
  moveOut(crashId: string): Promise<void>;
  startImport(paths: string[]): Promise<void>;
  cancelImport(): Promise<void>;
  onImportProgress(event: ImportProgressEvent): void;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs a triage action; a failure becomes the view's error instead of an unhandled rejection. */
async function attempt(set: (state: { error: string }) => void, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    set({ error: message(error) });
  }
}

export const useGroupsStore = create<GroupsState>((set, get) => ({
  groups: [],
  facets: {},
  query: {},
  matching: 0,
  setQuery(change) {
    const query = { ...get().query, ...change };
    for (const key of Object.keys(query) as Array<keyof GroupQuery>) if (!query[key]) delete query[key];
    set({ query });
    void get().refresh();
  },
  selectedGroupId: null,
  events: [],
  detail: null,
  importing: null,
  lastImport: null,
  error: null,
  async refresh() {
    try {
      const listing = await api.listGroups(get().query);
      set({ groups: listing.groups, facets: listing.facets, matching: listing.crashes, error: null });
    } catch (error) {
      set({ error: message(error) });
    }
  },
  async selectGroup(id) {
    set({ selectedGroupId: id, events: [], detail: null });
    try {
      const [events, detail] = await Promise.all([api.listGroupEvents(id), api.getGroupDetail(id)]);
      set({ events, detail });
    } catch (error) {
      set({ error: message(error) });
    }
  },
  setStatus(id, status) {
    return attempt(set, async () => {
      await api.setGroupStatus(id, status);
      await get().refresh();
    });
  },
  merge(sourceId, targetId) {
    return attempt(set, async () => {
      await api.mergeGroups(sourceId, targetId);
      await get().refresh();
      await get().selectGroup(targetId);
    });
  },
  moveOut(crashId) {
    return attempt(set, async () => {
      const groupId = await api.moveCrashToNewGroup(crashId);
      await get().refresh();
      await get().selectGroup(groupId);
    });
  },
  async startImport(paths) {
    set({ importing: { type: 'import', jobId: '', done: 0, total: 0, current: null, failed: [] }, lastImport: null, error: null });
    try {
      const report = await api.importPaths({ paths });
      set({ lastImport: report, importing: null });
    } catch (error) {
      set({ importing: null, error: `Import failed: ${message(error)}` });
    }
    await get().refresh();
  },
  async cancelImport() {
    const jobId = get().importing?.jobId;
    if (jobId) await api.cancelImport(jobId).catch((error: unknown) => set({ error: message(error) }));
  },
  onImportProgress(event) {
    if (get().importing) set({ importing: event });
  },
}));
