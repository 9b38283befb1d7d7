import { create } from 'zustand';
import type { Crash, CrashSummary, OpenCoreRequest, ProgressEvent, ReanalyzeRequest } from '../../../shared/model';
import { api } from '../api';
import { followConsoleSelection, selectInConsole } from './console-store';

interface CrashState {
  crash: Crash | null;
  threadId: number | null;
  frameIndex: number;
  opening: ProgressEvent | { stage: 'starting'; path: string; message: string; fraction: null } | null;
  error: string | null;
  recent: CrashSummary[];
  open(request: OpenCoreRequest): Promise<void>;
  show(id: string): Promise<void>;
  /** Analyses the shown crash again (more debug directories, the other debugger) and shows the result. */
  reanalyze(request: ReanalyzeRequest): Promise<void>;
  /** Brings the shown snapshot crash's core from its reporter and shows the crash analysed from it. */
  fetchCore(token: string | null): Promise<void>;
  /** A person picked a thread or frame in the views: the console's debugger follows. */
  selectThread(id: number): void;
  selectFrame(index: number): void;
  /** The debugger's selection moved (typed in the console): the views follow, nothing is sent back. */
  follow(threadNumber: number, frame: number): void;
  refreshRecent(): Promise<void>;
  setProgress(event: ProgressEvent): void;
  dismissError(): void;
}

const firstInterestingFrame = (crash: Crash, threadId: number): number => {
  const thread = crash.threads.find((t) => t.id === threadId);
  const withSource = thread?.frames.find((f) => f.file !== null && f.line !== null);
  return withSource?.index ?? 0;
};

export const useCrashStore = create<CrashState>((set, get) => ({
  crash: null,
  threadId: null,
  frameIndex: 0,
  opening: null,
  error: null,
  recent: [],
  async open(request) {
    set({ opening: { stage: 'starting', path: request.path, message: 'Opening…', fraction: null }, error: null });
    try {
      const crash = await api.openCore(request);
      set({ crash, threadId: crash.crashingThreadId, frameIndex: firstInterestingFrame(crash, crash.crashingThreadId), opening: null });
      void get().refreshRecent();
    } catch (error) {
      set({ opening: null, error: `Could not open ${request.path}: ${error instanceof Error ? error.message : String(error)}` });
    }
  },
  async show(id) {
    try {
      const crash = await api.getCrash(id);
      set({ crash, threadId: crash.crashingThreadId, frameIndex: firstInterestingFrame(crash, crash.crashingThreadId), error: null });
    } catch (error) {
      set({ error: error instanceof Error ? error.message : String(error) });
    }
  },
  async reanalyze(request) {
    const current = get().crash;
    if (!current) return;
    set({ opening: { stage: 'starting', path: current.source, message: 'Analysing again…', fraction: null }, error: null });
    try {
      const crash = await api.reanalyzeCrash(current.id, request);
      set({ crash, threadId: crash.crashingThreadId, frameIndex: firstInterestingFrame(crash, crash.crashingThreadId), opening: null });
    } catch (error) {
      set({ opening: null, error: `Could not analyse ${current.source} again: ${error instanceof Error ? error.message : String(error)}` });
    }
  },
  async fetchCore(token) {
    const current = get().crash;
    if (!current) return;
    set({
      opening: { stage: 'starting', path: current.source, message: 'Fetching the core from the reporter…', fraction: null },
      error: null,
    });
    try {
      const crash = await api.fetchCore(current.id, token);
      set({ crash, threadId: crash.crashingThreadId, frameIndex: firstInterestingFrame(crash, crash.crashingThreadId), opening: null });
    } catch (error) {
      set({ opening: null, error: `Could not fetch the core: ${error instanceof Error ? error.message : String(error)}` });
    }
  },
  selectThread(id) {
    const crash = get().crash;
    const frameIndex = crash ? firstInterestingFrame(crash, id) : 0;
    set({ threadId: id, frameIndex });
    const thread = crash?.threads.find((t) => t.id === id);
    if (thread) selectInConsole(thread.number, frameIndex);
  },
  selectFrame(index) {
    set({ frameIndex: index });
    const { crash, threadId } = get();
    const thread = crash?.threads.find((t) => t.id === threadId);
    if (thread) selectInConsole(thread.number, index);
  },
  follow(threadNumber, frame) {
    const thread = get().crash?.threads.find((t) => t.number === threadNumber);
    if (thread) set({ threadId: thread.id, frameIndex: frame });
  },
  async refreshRecent() {
    set({ recent: await api.listRecent() });
  },
  setProgress(event) {
    if (get().opening) set({ opening: event });
  },
  dismissError() {
    set({ error: null });
  },
}));

followConsoleSelection((thread, frame) => useCrashStore.getState().follow(thread, frame));
