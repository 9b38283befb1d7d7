import { create } from 'zustand';
import type {
  CrashEvent,
  FacetCounts,
  GroupDetail,
  GroupQuery,
  GroupSort,
  GroupStatus,
  GroupSummary,
  GroupingChange,
  ImportProgressEvent,
  ImportReport,
  ImportRequest,
  ReprocessReport,
  ReporterSyncRequest,
  S3ImportRequest,
  StackDiff,
} from '../../../shared/model';
import { api } from '../api';

/** Rows asked for at a time; the table asks for more as it scrolls towards them. */
export const PAGE_SIZE = 200;
const MAX_PAGE = 5_000;

interface GroupsState {
  /** The first rows of the sorted groups, as far as they were loaded. */
  groups: GroupSummary[];
  /** How many groups match, loaded or not. */
  total: number;
  facets: Partial<FacetCounts>;
  query: GroupQuery;
  sort: { id: GroupSort; desc: boolean };
  matching: number;
  /** Groups per triage state among those the query matches but for its status. */
  byStatus: Record<GroupStatus, number>;
  setQuery(change: Partial<GroupQuery>): void;
  setSort(id: GroupSort, desc: boolean): void;
  /** Loads rows up to `index` unless they are loaded or on their way. */
  loadThrough(index: number): Promise<void>;
  diff: StackDiff | null;
  showDiff(crashId: string): Promise<void>;
  closeDiff(): void;
  /** The row that has the focus in the table. */
  selectedGroupId: number | null;
  /** The group whose page is shown instead of the table, if any. */
  openGroupId: number | null;
  highlightGroup(id: number): void;
  openGroup(id: number): Promise<void>;
  closeGroup(): void;
  /** The last grouping change made here (several, for a bulk action), while it can be undone from the notice. */
  lastChange: { summary: string; undoIds: number[] } | null;
  /** Groups ticked in the table for a bulk action. */
  ticked: number[];
  tick(id: number, on: boolean): void;
  clearTicks(): void;
  /** Sets the status of every ticked group, as one change to undo. */
  bulkStatus(status: GroupStatus): Promise<void>;
  /** Merges every other ticked group into `targetId`, as one change to undo. */
  bulkMerge(targetId: number): Promise<void>;
  undoLast(): Promise<void>;
  dismissChange(): void;
  /** Regroups every crash by a rules text (null: the default rules), as one change to undo; rejects when refused. */
  /** Makes rules the database's (project null) or a project's, and regroups; the change can be undone. */
  applyRules(text: string | null, project: string | null): Promise<void>;
  events: CrashEvent[];
  detail: GroupDetail | null;
  importing: ImportProgressEvent | null;
  lastImport: ImportReport | null;
  error: string | null;
  refresh(): Promise<void>;
  selectGroup(id: number): Promise<void>;
  setStatus(id: number, status: GroupStatus): Promise<void>;
  /** Saves a group's notes and ticket; the detail and the table's marks follow. Rejects when refused. */
  saveNotes(id: number, notes: { text: string; ticket: string | null }): Promise<void>;
  merge(sourceId: number, targetId: number): Promise<void>;
  moveOut(crashId: string): Promise<void>;
  /** Analyses a group's crashes that lacked symbols again; the groups follow their new stacks. */
  reprocessGroup(groupId: number): Promise<ReprocessReport | null>;
  /** Imports folders or files, with the attributes, debug folders and executable given. */
  startImport(request: ImportRequest): Promise<void>;
  /** Downloads what is new under an S3 prefix (or the chosen keys) and imports it. */
  startS3Import(request: S3ImportRequest): Promise<void>;
  /** Downloads what arrived at a reporter since the last sync and imports it. */
  startReporterSync(request: ReporterSyncRequest): Promise<void>;
  cancelImport(): Promise<void>;
  onImportProgress(event: ImportProgressEvent): void;
}

const single = (change: GroupingChange): { summary: string; undoIds: number[] } => ({ summary: change.summary, undoIds: [change.undoId] });

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs a triage action; a failure becomes the view's error instead of an unhandled rejection. */
async function attempt(set: (state: { error: string }) => void, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    set({ error: message(error) });
  }
}

/**
 * Each listing request gets a number; a response to anything but the latest is dropped, so a
 * slow answer to an old query never overwrites a newer one.
 */
let generation = 0;
let loading: Promise<void> | null = null;

/** Runs an import with its progress shown, then refreshes the table; a failure becomes the view's error. */
async function runImport(
  set: (state: Partial<GroupsState>) => void,
  get: () => GroupsState,
  run: () => Promise<ImportReport>,
): Promise<void> {
  set({ importing: { type: 'import', jobId: '', done: 0, total: 0, current: null, failed: [] }, lastImport: null, error: null });
  let failure: string | null = null;
  try {
    const report = await run();
    set({ lastImport: report, importing: null });
  } catch (error) {
    failure = `Import failed: ${message(error)}`;
    set({ importing: null });
  }
  await get().refresh();
  // After the refresh, which clears the errors of earlier listings, so this one stays in view.
  if (failure) set({ error: failure });
}

export const useGroupsStore = create<GroupsState>((set, get) => ({
  groups: [],
  total: 0,
  facets: {},
  query: {},
  sort: { id: 'lastSeen', desc: true },
  matching: 0,
  byStatus: { new: 0, ongoing: 0, resolved: 0, regressed: 0 },
  setQuery(change) {
    const query = { ...get().query, ...change };
    for (const key of Object.keys(query) as Array<keyof GroupQuery>) if (!query[key]) delete query[key];
    set({ query, groups: [], total: 0 });
    void get().refresh();
  },
  setSort(id, desc) {
    set({ sort: { id, desc }, groups: [] });
    void get().refresh();
  },
  async loadThrough(index) {
    const { groups, total, query, sort } = get();
    if (loading || groups.length >= total || index < groups.length) return;
    const mine = generation;
    const limit = Math.min(MAX_PAGE, Math.max(PAGE_SIZE, index - groups.length + PAGE_SIZE));
    loading = api
      .listGroups(query, { sort: sort.id, desc: sort.desc, offset: groups.length, limit })
      .then((listing) => {
        if (mine === generation) set({ groups: [...get().groups, ...listing.groups], total: listing.total });
      })
      .catch((error: unknown) => set({ error: message(error) }))
      .finally(() => {
        loading = null;
      });
    await loading;
  },
  diff: null,
  async showDiff(crashId) {
    await attempt(set, async () => set({ diff: await api.diffWithGroup(crashId) }));
  },
  closeDiff() {
    set({ diff: null });
  },
  selectedGroupId: null,
  openGroupId: null,
  lastChange: null,
  ticked: [],
  events: [],
  detail: null,
  importing: null,
  lastImport: null,
  error: null,
  async refresh() {
    const mine = ++generation;
    const { query, sort, groups } = get();
    // Reload as many rows as are loaded now, so an action does not scroll the table back to the top.
    const limit = Math.min(MAX_PAGE, Math.max(PAGE_SIZE, groups.length));
    const failed = (error: unknown) => {
      if (mine === generation) set({ error: message(error) });
    };
    // The rows first; the facets (a count over every attribute of every matching crash) only
    // once the rows are on screen, so the table never waits behind them.
    try {
      const listing = await api.listGroups(query, { sort: sort.id, desc: sort.desc, offset: 0, limit });
      if (mine === generation)
        set({ groups: listing.groups, total: listing.total, matching: listing.crashes, byStatus: listing.byStatus, error: null });
    } catch (error) {
      failed(error);
    }
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    if (mine !== generation) return;
    await api.listFacets(query).then((counts) => {
      if (mine === generation) set({ facets: counts });
    }, failed);
  },
  highlightGroup(id) {
    set({ selectedGroupId: id });
  },
  async openGroup(id) {
    set({ openGroupId: id });
    await get().selectGroup(id);
  },
  closeGroup() {
    set({ openGroupId: null });
  },
  async undoLast() {
    const change = get().lastChange;
    if (!change) return;
    await attempt(set, async () => {
      // Newest first: a bulk change is put back in the reverse of the order it was made in.
      for (const id of [...change.undoIds].reverse()) await api.undoGroupingChange(id);
      set({ lastChange: null });
      await get().refresh();
      const open = get().openGroupId;
      if (open !== null) await get().selectGroup(open);
    });
  },
  dismissChange() {
    set({ lastChange: null });
  },
  async applyRules(text, project) {
    set({ lastChange: single(await api.applyGroupingRules(text, project)) });
    await get().refresh();
  },
  tick(id, on) {
    const ticked = get().ticked.filter((t) => t !== id);
    set({ ticked: on ? [...ticked, id] : ticked });
  },
  clearTicks() {
    set({ ticked: [] });
  },
  bulkStatus(status) {
    return attempt(set, async () => {
      const ids = get().ticked;
      const changes: GroupingChange[] = [];
      for (const id of ids) changes.push(await api.setGroupStatus(id, status));
      set({ lastChange: { summary: `Marked ${ids.length} groups ${status}`, undoIds: changes.map((c) => c.undoId) }, ticked: [] });
      await get().refresh();
    });
  },
  bulkMerge(targetId) {
    return attempt(set, async () => {
      const sources = get().ticked.filter((id) => id !== targetId);
      const changes: GroupingChange[] = [];
      for (const id of sources) changes.push(await api.mergeGroups(id, targetId));
      set({
        lastChange: { summary: `Merged ${sources.length} groups into #${targetId}`, undoIds: changes.map((c) => c.undoId) },
        ticked: [],
      });
      await get().refresh();
    });
  },
  async selectGroup(id) {
    set({ selectedGroupId: id, events: [], detail: null, diff: null });
    try {
      const [events, detail] = await Promise.all([api.listGroupEvents(id), api.getGroupDetail(id)]);
      set({ events, detail });
    } catch (error) {
      set({ error: message(error) });
    }
  },
  async saveNotes(id, notes) {
    await api.setGroupNotes(id, notes);
    const detail = await api.getGroupDetail(id);
    if (get().selectedGroupId === id) set({ detail });
    void get().refresh();
  },
  setStatus(id, status) {
    return attempt(set, async () => {
      set({ lastChange: single(await api.setGroupStatus(id, status)) });
      await get().refresh();
      if (get().openGroupId === id) await get().selectGroup(id);
    });
  },
  merge(sourceId, targetId) {
    return attempt(set, async () => {
      set({ lastChange: single(await api.mergeGroups(sourceId, targetId)) });
      await get().refresh();
      await get().openGroup(targetId);
    });
  },
  moveOut(crashId) {
    return attempt(set, async () => {
      const { groupId, change } = await api.moveCrashToNewGroup(crashId);
      set({ lastChange: single(change) });
      await get().refresh();
      await get().openGroup(groupId);
    });
  },
  async reprocessGroup(groupId) {
    let report: ReprocessReport | null = null;
    await attempt(set, async () => {
      report = await api.reprocessCrashes({ groupId, missingSymbols: true });
      await get().refresh();
      // Its crashes may all have moved to other groups, now that their stacks have names.
      if (get().groups.some((g) => g.id === groupId)) await get().selectGroup(groupId);
    });
    return report;
  },
  startImport(request) {
    return runImport(set, get, () => api.importPaths(request));
  },
  startS3Import(request) {
    return runImport(set, get, () => api.importS3(request));
  },
  startReporterSync(request) {
    return runImport(set, get, () => api.syncReporter(request));
  },
  async cancelImport() {
    const jobId = get().importing?.jobId;
    if (jobId) await api.cancelImport(jobId).catch((error: unknown) => set({ error: message(error) }));
  },
  onImportProgress(event) {
    if (get().importing) set({ importing: event });
    // An import this page did not start (a watched folder) shows up once it is done.
    else if (event.total > 0 && event.done === event.total) void get().refresh();
  },
}));
