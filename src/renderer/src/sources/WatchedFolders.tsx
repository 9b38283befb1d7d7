import { useEffect, useState } from 'react';
import { desktop } from '../desktop';
import { useSettingsStore } from '../stores/settings-store';
import { FileBrowser } from '../widgets/FileBrowser';
import { useRovingList } from '../widgets/roving';

/** Folders whose new crashes are imported as they land, kept in the settings. */
export function WatchedFolders() {
  const { settings, load, update, error: unread } = useSettingsStore();
  const folders = settings?.watchedFolders ?? null;
  const [picking, setPicking] = useState(false);
  const [refused, setError] = useState<string | null>(null);
  const error = refused ?? unread;
  useEffect(() => {
    void load();
  }, [load]);
  const save = (next: string[]): void => {
    setError(null);
    update({ watchedFolders: next }).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const { itemProps, innerTabIndex } = useRovingList(folders?.length ?? 0);
  const stopWatching = (folder: string): void => save((folders ?? []).filter((x) => x !== folder));
  const add = (dir: string | null): void => {
    setPicking(false);
    if (dir && folders && !folders.includes(dir)) save([...folders, dir]);
  };
  return (
    <section className="watched-folders" aria-label="Watched folders">
      <strong>Watched folders</strong>{' '}
      {folders?.length === 0 && <span className="muted">none — e.g. /var/lib/systemd/coredump or /tmp/appview</span>}
      <ul aria-label="Folders watched">
        {folders?.map((f, i) => (
          <li
            key={f}
            {...itemProps(i)}
            onKeyDown={(e) => {
              if (e.key === 'Delete' && e.target === e.currentTarget) stopWatching(f);
              else itemProps(i).onKeyDown(e);
            }}
            title="Delete stops watching"
          >
            <code>{f}</code>{' '}
            <button aria-label={`Stop watching ${f}`} tabIndex={innerTabIndex(i)} onClick={() => stopWatching(f)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <button onClick={() => (desktop ? void desktop.pickFolder().then(add) : setPicking(true))} disabled={!folders}>
        Watch a folder…
      </button>
      {error && (
        <span role="alert" className="muted">
          {' '}
          {error}
        </span>
      )}
      {picking && <FileBrowser mode="folder" title="Choose a folder to watch" onChoose={add} onCancel={() => setPicking(false)} />}
    </section>
  );
}
