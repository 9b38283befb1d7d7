import { useEffect, useRef } from 'react';
import { create } from 'zustand';

/** An action the command palette offers: every button of the app that matters, by name. */
export interface Command {
  id: string;
  title: string;
  /** Where it applies, shown beside it: "Groups", "Crash", "Import" … */
  section: string;
  shortcut?: string;
  run(): void;
}

interface CommandState {
  /** The command each id stands for now: the one registered last by a component still on screen. */
  commands: Map<string, Command>;
  register(command: Command): () => void;
}

/** Every registration of an id, newest last: when the newest goes, the one before it is offered again. */
const registered = new Map<string, Command[]>();

const current = (): Map<string, Command> =>
  new Map([...registered].flatMap(([id, list]) => (list.length ? [[id, list.at(-1) as Command] as const] : [])));

export const useCommandStore = create<CommandState>((set) => ({
  commands: new Map(),
  register(command) {
    registered.set(command.id, [...(registered.get(command.id) ?? []), command]);
    set({ commands: current() });
    return () => {
      registered.set(
        command.id,
        (registered.get(command.id) ?? []).filter((c) => c !== command),
      );
      set({ commands: current() });
    };
  },
}));

/**
 * Offers commands while the component that can carry them out is on screen; each `run` is the
 * component's latest, so it acts on what is shown now.
 */
export function useCommands(commands: Omit<Command, 'run'>[], run: (id: string) => void): void {
  const latest = useRef(run);
  latest.current = run;
  const key = commands.map((c) => `${c.id}\u0000${c.title}`).join('\u0001');
  useEffect(() => {
    const register = useCommandStore.getState().register;
    const undo = commands.map((c) => register({ ...c, run: () => latest.current(c.id) }));
    return () => undo.forEach((u) => u());
    // The commands are compared by their ids and titles, not by the array's identity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}
