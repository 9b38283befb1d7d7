import { create } from 'zustand';
import type { ConsoleEvent, ConsoleInfo, ConsoleSize, Disassembly, MemoryDump, VariableNode } from '../../../shared/model';
import { api } from '../api';

type Status = 'idle' | 'opening' | 'open' | 'ended';

interface ConsoleState {
  session: ConsoleInfo | null;
  status: Status;
  /** Why the console is not running, when it stopped or could not start. */
  reason: string | null;
  /**
   * Starts a console on the crash, closing one on another crash first. `analysis` names the
   * crash's analysis: when it changes (new debug directories), the console starts afresh.
   */
  open(crashId: string, analysis: string, size: ConsoleSize): Promise<void>;
  close(): Promise<void>;
  onEvent(event: ConsoleEvent): void;
}

/**
 * Terminal output goes straight to the terminal, not through React state: it comes in many small
 * pieces, and only xterm.js needs it. What arrives before the terminal is attached is kept.
 */
let sink: ((data: string) => void) | null = null;
let openedFor: string | null = null;
let pending: string[] = [];

export function attachConsoleOutput(write: (data: string) => void): () => void {
  sink = write;
  for (const data of pending) write(data);
  pending = [];
  return () => {
    if (sink === write) sink = null;
  };
}

/** The debugger moved its selection from the console; the crash view follows. Set by the crash store. */
let follower: ((thread: number, frame: number) => void) | null = null;
export function followConsoleSelection(follow: (thread: number, frame: number) => void): void {
  follower = follow;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const useConsoleStore = create<ConsoleState>((set, get) => ({
  session: null,
  status: 'idle',
  reason: null,
  async open(crashId, analysis, size) {
    const current = get().session;
    if (current?.crashId === crashId && openedFor === analysis && get().status !== 'ended') return;
    openedFor = analysis;
    if (current) await get().close();
    pending = [];
    set({ status: 'opening', reason: null, session: null });
    try {
      const session = await api.openConsole(crashId, size);
      set({ session, status: 'open' });
    } catch (error) {
      set({ status: 'ended', reason: message(error) });
    }
  },
  async close() {
    const { session, status } = get();
    set({ session: null, status: 'idle' });
    // An ended session is already gone on the other side.
    if (session && status !== 'ended') await api.closeConsole(session.sessionId).catch((error: unknown) => set({ reason: message(error) }));
  },
  onEvent(event) {
    const session = get().session;
    if (!session || event.sessionId !== session.sessionId) return;
    if (event.type === 'console-output') {
      if (sink) sink(event.data);
      else pending.push(event.data);
    } else if (event.type === 'console-selection') {
      follower?.(event.thread, event.frame);
    } else {
      set({ status: 'ended', reason: event.reason });
    }
  },
}));

/** Tells the console's debugger what the views selected; a console that is not open has nothing to follow. */
export function selectInConsole(thread: number, frame: number): void {
  const { session, status } = useConsoleStore.getState();
  if (!session || status !== 'open') return;
  void api.selectFrame(session.sessionId, thread, frame).catch((error: unknown) => useConsoleStore.setState({ reason: message(error) }));
}

/** Sends keys to the console's debugger; false when no session is open yet, so that the caller keeps them. */
export function writeToConsole(data: string, failed: (error: unknown) => void): boolean {
  const { session } = useConsoleStore.getState();
  if (!session) return false;
  void api.writeConsole(session.sessionId, data).catch(failed);
  return true;
}

export function resizeConsole(size: ConsoleSize, failed: (error: unknown) => void): void {
  const { session } = useConsoleStore.getState();
  if (session) void api.resizeConsole(session.sessionId, size).catch(failed);
}

/** What the crash view's live tabs ask of a console's debugger, by the session they were opened on. */
export const liveFrame = {
  disassemble: (sessionId: string, thread: number, frame: number): Promise<Disassembly> => api.disassemble(sessionId, thread, frame),
  readMemory: (sessionId: string, thread: number, frame: number, expression: string, length: number): Promise<MemoryDump> =>
    api.readMemory(sessionId, thread, frame, expression, length),
  variables: (sessionId: string, thread: number, frame: number): Promise<VariableNode[]> => api.frameVariables(sessionId, thread, frame),
  expandVariable: (sessionId: string, id: string): Promise<VariableNode[]> => api.expandVariable(sessionId, id),
};
