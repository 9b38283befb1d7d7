import { useEffect, useState } from 'react';

const QUERY = '(prefers-color-scheme: dark)';

/** Whether the system asks for dark colours, now and as it changes. */
export function usePrefersDark(): boolean {
  const [dark, setDark] = useState(() => window.matchMedia(QUERY).matches);
  useEffect(() => {
    const media = window.matchMedia(QUERY);
    const changed = (event: MediaQueryListEvent): void => setDark(event.matches);
    media.addEventListener('change', changed);
    return () => media.removeEventListener('change', changed);
  }, []);
  return dark;
}
