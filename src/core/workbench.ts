import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { WorkbenchApi, WorkbenchServices } from '../shared/api';
import type { WorkbenchEvent } from '../shared/model';
import { DebuggerPool } from './debugger/debugger-pool';
import { Intake } from './intake/intake';
import { DisposableStore, toDisposable } from './platform/disposables';
import { chromiumPdf, type PdfRenderer } from './report/pdf';
import type { SecretStore } from './s3/secrets';
import { ConsolesService } from './services/consoles';
import { CrashesService } from './services/crashes';
import { ServiceFacade } from './services/facade';
import { GroupsService } from './services/groups';
import { ImportsService, type ImportsOptions } from './services/imports';
import { ReporterSources } from './services/reporter-sources';
import { ReportsService } from './services/reports';
import { SettingsService } from './services/settings';
import { SourcesService } from './services/sources';
import { SymbolsService } from './services/symbols';
import { TriageService } from './services/triage';
import { CrashStore } from './store/crash-store';
import { openDatabase } from './store/database';
import { GroupStore } from './store/group-store';
import { GroupingRules } from './store/grouping-rules';
import { GroupingUndo } from './store/grouping-undo';

export type { ImportControl } from './intake/intake';

export interface WorkbenchOptions extends ImportsOptions {
  databasePath: string;
  debuggerTimeoutMs?: number;
  /** Where secrets (S3 credentials) are kept: Electron's safeStorage in the desktop app. */
  secrets?: SecretStore;
  /** Prints report HTML to PDF: Electron's printToPDF in the app; headless Chromium by default. */
  pdf?: PdfRenderer;
  /** Tokens for symbol servers by URL, given on the command line (the app keeps them in `secrets`). */
  symbolTokens?: Record<string, string>;
  /** The symbol cache's folder; the user's cache folder by default. */
  symbolCacheDir?: string;
  /**
   * Keep the debugger of the last core opened for the next one: for front doors that stay open
   * (the app, `crashwb serve`), not for one-shot commands.
   */
  keepDebugger?: boolean;
}

interface Wiring {
  services: WorkbenchServices & {
    settings: SettingsService;
    crashes: CrashesService;
    sources: SourcesService;
    imports: ImportsService;
    symbols: SymbolsService;
    groups: GroupsService;
    triage: TriageService;
    reports: ReportsService;
    consoles: ConsolesService;
  };
  listeners: Set<(event: WorkbenchEvent) => void>;
  disposables: DisposableStore;
}

/** Builds the services on one database and ties them to each other; what it opens, `disposables` gives back. */
function wire(options: WorkbenchOptions): Wiring {
  // Next to the database: cores taken out of bundles (cores/), objects downloaded from S3 (s3/).
  const dataDir =
    options.databasePath === ':memory:' ? join(tmpdir(), `crashwb-data-${process.pid}`) : dirname(resolve(options.databasePath));
  const db = openDatabase(options.databasePath);
  const listeners = new Set<(event: WorkbenchEvent) => void>();
  const emit = (event: WorkbenchEvent): void => {
    for (const listener of listeners) listener(event);
  };
  const store = new CrashStore(db);
  const groupStore = new GroupStore(db);
  const rules = new GroupingRules(db, store, groupStore);
  const reporters = new ReporterSources(store, options.secrets);
  const debuggers = options.keepDebugger ? new DebuggerPool(1) : null;

  const settings: SettingsService = new SettingsService(store, (now, change) => {
    if (change.watchedFolders) imports.followWatchedFolders(now.watchedFolders);
  });
  const getSettings = () => settings.getSettings();
  const getCrash = (id: string) => crashes.getCrash(id);
  const symbols: SymbolsService = new SymbolsService({
    getSettings,
    reporters,
    secrets: options.secrets,
    tokens: options.symbolTokens,
    cacheDir: options.symbolCacheDir,
    crashIds: (groupId) => groupStore.events(groupId).map((e) => e.id),
    getCrash,
    reanalyze: (id, request) => crashes.reanalyzeCrash(id, request),
    emit,
  });
  const intake = new Intake({
    db,
    store,
    groups: groupStore,
    options,
    dataDir,
    storeDir: join(dataDir, 'cores'),
    emit,
    getSettings,
    getCrash,
    symbolOptions: (request) => symbols.options(request),
    debuggers,
    rulesFor: (crash) => rules.rulesetFor(crash),
  });
  const crashes: CrashesService = new CrashesService(store, groupStore, intake, options.databasePath);
  const imports: ImportsService = new ImportsService(intake, reporters, options, emit);
  const sources = new SourcesService(store, symbols);
  const groups = new GroupsService(db, groupStore, rules);
  const triage = new TriageService(db, store, groupStore, rules, new GroupingUndo(db, groupStore, rules));
  // A database grouped by an older fingerprint algorithm is regrouped once, as a change of rules would be.
  rules.regroupAfterUpgrade();
  const reports = new ReportsService(store, {
    crash: getCrash,
    readSource: (file, executable) => sources.readSource(file, executable),
    group: (id) => groups.getGroupDetail(id),
    newestEvents: (id, limit) => groupStore.events(id, limit),
    groupOf: (id) => groupStore.groupOf(id).groupId,
    groupTitle: (id) => groupStore.title(id),
    notes: (id) => groupStore.notes.get(id),
    pdf: options.pdf ?? chromiumPdf,
  });
  const consoles = new ConsolesService(
    emit,
    getCrash,
    (file, executable) => sources.readSource(file, executable),
    (executable) => sources.getSourceMappings(executable),
    () => symbols.cache(),
  );

  // Given back the latest first: the watcher, the consoles and the kept debugger before the listeners and the database.
  const disposables = new DisposableStore();
  disposables.add(toDisposable(() => db.close()));
  disposables.add(toDisposable(() => listeners.clear()));
  disposables.add(toDisposable(() => void debuggers?.close()));
  disposables.add(consoles);
  disposables.add(imports);
  return {
    services: { settings, crashes, sources, imports, symbols, groups, triage, reports, consoles },
    listeners,
    disposables,
  };
}

/**
 * The engine's one entry: the services of shared/api.ts on one database, each also reachable by
 * its flat method name (the front doors' wire names). Every front door calls into this.
 */
export class Workbench extends ServiceFacade implements WorkbenchApi {
  readonly settings: SettingsService;
  readonly crashes: CrashesService;
  readonly sources: SourcesService;
  readonly imports: ImportsService;
  readonly symbols: SymbolsService;
  readonly groups: GroupsService;
  readonly triage: TriageService;
  readonly reports: ReportsService;
  readonly consoles: ConsolesService;
  private readonly listeners: Wiring['listeners'];
  private readonly disposables: DisposableStore;

  constructor(options: WorkbenchOptions) {
    const wiring = wire(options);
    super(wiring.services);
    ({
      settings: this.settings,
      crashes: this.crashes,
      sources: this.sources,
      imports: this.imports,
      symbols: this.symbols,
      groups: this.groups,
      triage: this.triage,
      reports: this.reports,
      consoles: this.consoles,
    } = wiring.services);
    this.listeners = wiring.listeners;
    this.disposables = wiring.disposables;
    if (options.watchFolders) this.imports.followWatchedFolders(this.settings.current().watchedFolders);
  }

  onEvent(listener: (event: WorkbenchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.disposables.dispose();
  }
}
