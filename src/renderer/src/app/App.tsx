import { useEffect, useRef, useState, type DragEvent } from 'react';
import { desktop, uploadFile } from '../desktop';
import { anyCrashStored } from '../stores/triage-store';
import { onWorkbenchEvent } from '../stores/workbench-events';
import { useCrashStore } from '../stores/crash-store';
import { CrashBanner } from '../crash/CrashBanner';
import { LocalsView } from '../crash/DetailsView';
import { InspectPanel } from '../crash/InspectPanel';
import { VariablesView } from '../crash/VariablesView';
import { useLiveSession } from '../crash/use-live-session';
import type { Crash, Thread } from '../../../shared/model';
import { debuggerNumbersThread } from '../../../shared/frame-label';
import { OpenBar } from './OpenBar';
import { FirstRun } from './FirstRun';
import { CommandPalette, ShortcutHelp } from './CommandPalette';
import { useCommands } from '../stores/command-store';
import { TabList } from '../widgets/TabList';
import { SourceView } from '../crash/SourceView';
import { StackView } from '../crash/StackView';
import { ThreadList } from '../crash/ThreadList';
import { CrashLayout } from '../crash/CrashLayout';
import { GroupsView } from '../groups/GroupsView';
import { useGroupsStore } from '../stores/groups-store';
import { useConsoleStore } from '../stores/console-store';
import { ConsoleView } from '../console/ConsoleView';
import { CompareView } from '../groups/CompareView';
import { ExportDialog } from '../reports/ExportDialog';
import { TrendsView } from '../trends/TrendsView';
import { useReportStore } from '../stores/report-store';

type View = 'crash' | 'groups' | 'trends';
const VIEWS: ReadonlyArray<readonly [View, string]> = [
  ['crash', 'Crash'],
  ['groups', 'Groups'],
  ['trends', 'Trends'],
];

function Progress() {
  const opening = useCrashStore((s) => s.opening);
  if (!opening) return null;
  return (
    <div className="progress" role="progressbar" aria-label="Opening core" aria-valuetext={opening.message}>
      <div className="progress-text">
        {opening.message} — {opening.path}
      </div>
      <div className="progress-track">
        <div
          className={opening.fraction === null ? 'progress-fill indeterminate' : 'progress-fill'}
          style={{ width: `${Math.round((opening.fraction ?? 0.3) * 100)}%` }}
        />
      </div>
    </div>
  );
}

/** Live, expandable variables when the console's debugger runs; the stored ones until then. */
function Locals({ crash, thread, frame }: { crash: Crash; thread: Thread; frame: number }) {
  const sessionId = useLiveSession(crash.id);
  return sessionId && debuggerNumbersThread(thread) ? (
    <VariablesView sessionId={sessionId} thread={thread.number} frame={frame} />
  ) : (
    <LocalsView thread={thread} frame={frame} />
  );
}

function CrashView({ onOpenGroup }: { onOpenGroup(groupId: number): void }) {
  const { crash, threadId, frameIndex, selectThread, selectFrame } = useCrashStore();
  if (!crash) return <FirstRun />;
  const thread = crash.threads.find((t) => t.id === threadId) ?? crash.threads[0];
  if (!thread) return <CrashBanner crash={crash} onOpenGroup={onOpenGroup} />;
  const frame = thread.frames.find((f) => f.index === frameIndex);
  return (
    <main className="crash" aria-label="Crash">
      <CrashBanner crash={crash} onOpenGroup={onOpenGroup} />
      <CrashLayout
        threads={<ThreadList threads={crash.threads} modules={crash.modules} selected={thread.id} onSelect={selectThread} />}
        locals={<Locals crash={crash} thread={thread} frame={frameIndex} />}
        stack={<StackView key={thread.id} thread={thread} modules={crash.modules} selected={frameIndex} onSelect={selectFrame} />}
        inspect={<InspectPanel crash={crash} thread={thread} frame={frameIndex} />}
        source={
          <SourceView
            frame={frame}
            executable={crash.executable}
            buildId={crash.modules.find((m) => m.path === frame?.module)?.buildId ?? null}
          />
        }
        console={(docked) => <ConsoleView crashId={crash.id} analysis={crash.analyzedAt} docked={docked} />}
      />
    </main>
  );
}

export function App() {
  const { open, refreshRecent, setProgress, error, dismissError } = useCrashStore();
  const [dragging, setDragging] = useState(false);
  const [view, setView] = useState<View>('crash');
  const crashId = useCrashStore((s) => s.crash?.id);
  const openGroup = useGroupsStore((s) => s.openGroup);
  const showGroup = (groupId: number): void => {
    setView('groups');
    void openGroup(groupId);
  };
  // With crashes stored, the app opens on their groups; with none, on the ways in.
  useEffect(() => {
    void anyCrashStored().then(
      (any) => any && setView((v) => (useCrashStore.getState().crash ? v : 'groups')),
      (error: Error) => useCrashStore.setState({ error: `could not list the stored crashes: ${error.message}` }),
    );
  }, []);
  const [overlay, setOverlay] = useState<'palette' | 'help' | null>(null);
  const showView = (next: View): void => {
    if (next === 'groups') useGroupsStore.getState().closeGroup();
    setView(next);
  };
  useCommands(
    [
      { id: 'view.crash', title: 'Show the crash', section: 'View' },
      { id: 'view.groups', title: 'Show the groups', section: 'View' },
      { id: 'view.trends', title: 'Show the trends', section: 'View' },
      { id: 'help.shortcuts', title: 'Keyboard shortcuts', section: 'Help', shortcut: '?' },
      { id: 'groups.undo', title: 'Undo the last grouping change', section: 'Groups' },
    ],
    (id) => {
      if (id === 'view.crash') showView('crash');
      else if (id === 'view.groups') showView('groups');
      else if (id === 'view.trends') showView('trends');
      else if (id === 'help.shortcuts') setOverlay('help');
      else if (id === 'groups.undo') void useGroupsStore.getState().undoLast();
    },
  );
  // Ctrl+Shift+P / Ctrl+K for the palette and ? for the shortcuts, wherever the focus is, except
  // in the console, whose keys are the debugger's, and where text is typed.
  const viewRef = useRef(view);
  viewRef.current = view;
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const target = event.target instanceof HTMLElement ? event.target : null;
      if (target?.closest('.xterm') || event.defaultPrevented) return;
      const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
      const palette =
        event.ctrlKey && ((event.shiftKey && event.key.toLowerCase() === 'p') || (!event.shiftKey && event.key.toLowerCase() === 'k'));
      if (palette) {
        event.preventDefault();
        setOverlay('palette');
      } else if (event.key === '?' && !typing && !event.ctrlKey && !event.altKey) {
        event.preventDefault();
        setOverlay('help');
      } else if (event.key === 'Escape' && !typing && viewRef.current === 'crash') {
        // Back from a crash to its group, as from a group to the groups.
        const groupId = useCrashStore.getState().crash?.groupId;
        if (groupId != null) {
          event.preventDefault();
          setView('groups');
          void useGroupsStore.getState().openGroup(groupId);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  // A crash opened from anywhere (Open core… on the Groups tab, a drop, the menu) is shown at once.
  useEffect(() => {
    if (crashId) setView('crash');
  }, [crashId]);
  const reportError = useReportStore((s) => s.error);
  const onImportProgress = useGroupsStore((s) => s.onImportProgress);

  useEffect(() => {
    void refreshRecent();
    const unsubscribe = onWorkbenchEvent((event) => {
      if (event.type === 'progress') setProgress(event);
      else if (event.type === 'import') onImportProgress(event);
      else useConsoleStore.getState().onEvent(event);
    });
    const unsubscribeMenu = desktop?.onOpenPath((path) => void open({ path }));
    return () => {
      unsubscribe();
      unsubscribeMenu?.();
    };
  }, [open, refreshRecent, setProgress, onImportProgress]);

  const onDrop = async (e: DragEvent): Promise<void> => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    const local = desktop?.pathForFile(file);
    setView('crash');
    await open({ path: local ?? (await uploadFile(file)) });
  };

  return (
    <div
      className={dragging ? 'app dragging' : 'app'}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => void onDrop(e).catch((err: Error) => useCrashStore.setState({ error: err.message }))}
    >
      <OpenBar />
      <TabList
        as="nav"
        label="Views"
        className="views"
        tabs={VIEWS}
        selected={view}
        // The Groups tab leads to the list; a group's page is reached from it or from a crash.
        onSelect={showView}
      />
      <Progress />
      {error && (
        <div className="error-bar" role="alert">
          {error} <button onClick={dismissError}>Dismiss</button>
        </div>
      )}
      {reportError && (
        <div className="error-bar" role="alert">
          {reportError} <button onClick={useReportStore.getState().dismissError}>Dismiss</button>
        </div>
      )}
      {/* The crash view stays mounted while hidden: its console's terminal and debugger live on. */}
      <div className="view-crash" hidden={view !== 'crash'}>
        <CrashView onOpenGroup={showGroup} />
      </div>
      {view === 'groups' && <GroupsView onOpenCrash={() => setView('crash')} />}
      {view === 'trends' && <TrendsView onOpenGroup={() => setView('groups')} />}
      <CompareView />
      <ExportDialog />
      {overlay === 'palette' && <CommandPalette onClose={() => setOverlay(null)} />}
      {overlay === 'help' && <ShortcutHelp onClose={() => setOverlay(null)} />}
    </div>
  );
}
