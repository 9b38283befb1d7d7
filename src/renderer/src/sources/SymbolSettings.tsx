import { useEffect, useState, type FormEvent } from 'react';
import type { Settings, SymbolServerInfo } from '../../../shared/model';
import { desktop } from '../desktop';
import { useSettingsStore } from '../stores/settings-store';
import { FileBrowser } from '../widgets/FileBrowser';
import { TokenInput } from '../widgets/TokenInput';
import { fileName } from '../../../shared/frame-label';
import { Modal } from '../widgets/Modal';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const SERVER_URL = /^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const FROM: Record<SymbolServerInfo['from'], string> = {
  settings: 'added here',
  reporter: 'a reporter source',
  environment: 'DEBUGINFOD_URLS',
};

type FolderList = 'solibDirs' | 'debugDirs';
const FOLDERS: Record<FolderList, { title: string; hint: string }> = {
  solibDirs: {
    title: 'Library folders',
    hint: 'Programs and libraries from other machines, by file name or in a .build-id folder; each is used only when its build-id is the crash’s.',
  },
  debugDirs: {
    title: 'Debug folders',
    hint: 'Separate debug files, by build-id (.build-id/ab/cdef….debug). /usr/lib/debug is always searched.',
  },
};

/**
 * Where every crash's program, libraries and debug info are looked for beyond the paths its core
 * recorded: folders, symbol servers (debuginfod or a reporter) and the cache of what they sent.
 */
export function SymbolSettings({ onClose }: { onClose(): void }) {
  const { settings, servers, cache, load, loadSymbols, update, saveServerToken, clearCache } = useSettingsStore();
  const [picking, setPicking] = useState<FolderList | null>(null);
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const failed = (e: unknown): void => setError(message(e));

  useEffect(() => {
    void load();
    loadSymbols().catch(failed);
  }, [load, loadSymbols]);

  const save = (change: Partial<Settings>): void => {
    setError(null);
    update(change).catch(failed);
  };
  const addFolder = (list: FolderList, dir: string | null): void => {
    setPicking(null);
    if (dir && settings && !settings[list].includes(dir)) save({ [list]: [...settings[list], dir] });
  };
  const pick = (list: FolderList): void => {
    if (desktop) void desktop.pickFolder().then((dir) => addFolder(list, dir));
    else setPicking(list);
  };
  const addServer = (e: FormEvent): void => {
    e.preventDefault();
    if (!settings) return;
    const typed = url.trim().replace(/\/+$/, '');
    if (!SERVER_URL.test(typed)) {
      setError('A symbol server is http(s)://HOST[:PORT][/PATH]. A token goes in its own field, never in the URL.');
      return;
    }
    const next = settings.symbolServers.includes(typed) ? settings.symbolServers : [...settings.symbolServers, typed];
    setError(null);
    update({ symbolServers: next })
      .then(() => {
        setUrl('');
        return token && desktop ? saveServerToken(typed, token) : undefined;
      })
      .then(() => setToken(''), failed);
  };

  return (
    <>
      <Modal label="Symbols" onClose={onClose} className="symbol-settings">
        {(Object.keys(FOLDERS) as FolderList[]).map((list) => (
          <section key={list} aria-label={FOLDERS[list].title}>
            <strong>{FOLDERS[list].title}</strong> <span className="muted">{FOLDERS[list].hint}</span>
            <ul>
              {settings?.[list].map((dir) => (
                <li key={dir}>
                  <code>{dir}</code>{' '}
                  <button aria-label={`Remove ${dir}`} onClick={() => save({ [list]: settings[list].filter((d) => d !== dir) })}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
            <button onClick={() => pick(list)} disabled={!settings}>
              Add a folder…
            </button>
          </section>
        ))}
        {settings && Object.keys(settings.solibDirsByExecutable).length > 0 && (
          <section aria-label="Library folders per program">
            <strong>Per program</strong> <span className="muted">Kept from the Modules tab, for every crash of that program.</span>
            <ul>
              {Object.entries(settings.solibDirsByExecutable).flatMap(([exe, dirs]) =>
                dirs.map((dir) => (
                  <li key={`${exe}-${dir}`}>
                    <code>{fileName(exe)}</code>: <code>{dir}</code>{' '}
                    <button
                      aria-label={`Remove ${dir} for ${exe}`}
                      onClick={() => {
                        const rest = dirs.filter((d) => d !== dir);
                        const next = { ...settings.solibDirsByExecutable };
                        if (rest.length) next[exe] = rest;
                        else delete next[exe];
                        save({ solibDirsByExecutable: next });
                      }}
                    >
                      ×
                    </button>
                  </li>
                )),
              )}
            </ul>
          </section>
        )}
        <section aria-label="Symbol servers">
          <strong>Symbol servers</strong>{' '}
          <span className="muted">Asked by build-id for what no folder holds, for at most 10 s per crash.</span>
          <ul>
            {servers.map((s) => (
              <li key={`${s.from}-${s.url}`}>
                <code>{s.url}</code> <span className="muted">{FROM[s.from]}</span>
                {s.tokenSaved && <span className="muted"> · token in the keychain</span>}{' '}
                {s.from === 'settings' && settings && (
                  <button
                    aria-label={`Remove ${s.url}`}
                    onClick={() => save({ symbolServers: settings.symbolServers.filter((u) => u !== s.url) })}
                  >
                    ×
                  </button>
                )}
              </li>
            ))}
          </ul>
          <form className="s3-endpoint" onSubmit={addServer} aria-label="Add a symbol server">
            <input
              aria-label="Symbol server URL"
              placeholder="https://debuginfod.example.org"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              required
            />
            {desktop && <TokenInput label="Token (optional)" placeholder="token (optional)" value={token} onChange={setToken} />}
            <button type="submit" disabled={!settings}>
              Add
            </button>
          </form>
        </section>
        <section aria-label="Symbol cache">
          <strong>Cache</strong>{' '}
          {cache && (
            <span className="muted">
              <code>{cache.dir}</code>: {cache.files} files, {mb(cache.bytes)} of {mb(cache.limitBytes)}
            </span>
          )}{' '}
          <button onClick={() => clearCache().catch(failed)} disabled={!cache || cache.files === 0}>
            Clear the cache
          </button>
        </section>
        {error && (
          <p role="alert" className="error-bar">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button onClick={onClose}>Close</button>
        </div>
      </Modal>
      {picking && (
        <FileBrowser
          mode="folder"
          title={`Choose a ${picking === 'solibDirs' ? 'library' : 'debug'} folder`}
          onChoose={(dir) => addFolder(picking, dir)}
          onCancel={() => setPicking(null)}
        />
      )}
    </>
  );
}
