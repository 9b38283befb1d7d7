import { useEffect, useState } from 'react';
import { useConsoleStore } from '../stores/console-store';

/** The console session's id when one is running on this crash: the live views need it. */
export function useLiveSession(crashId: string): string | null {
  const { session, status } = useConsoleStore();
  return session && status === 'open' && session.crashId === crashId ? session.sessionId : null;
}

export type Loaded<T> = { state: 'idle' } | { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; error: string };

/**
 * Runs `load` whenever its inputs change and keeps only the latest answer: a slow reply for a
 * frame the person has already left never replaces the one for the frame they are on.
 */
export function useLoaded<T>(load: (() => Promise<T>) | null, inputs: unknown[]): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'idle' });
  useEffect(() => {
    if (!load) {
      setLoaded({ state: 'idle' });
      return;
    }
    let current = true;
    setLoaded({ state: 'loading' });
    load().then(
      (value) => current && setLoaded({ state: 'done', value }),
      (error: unknown) => current && setLoaded({ state: 'failed', error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
    // The caller names what the load depends on; the function itself is new on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, inputs);
  return loaded;
}
