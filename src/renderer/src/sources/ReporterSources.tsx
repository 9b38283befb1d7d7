import { useEffect, useState, type FormEvent } from 'react';
import type { ReporterSourceInfo } from '../../../shared/model';
import { desktop } from '../desktop';
import { importRequests } from '../stores/imports-store';
import { useGroupsStore } from '../stores/groups-store';
import { TokenInput } from '../widgets/TokenInput';
import { Modal } from '../widgets/Modal';
import { ConfirmDialog } from '../widgets/ConfirmDialog';
import { useRovingList } from '../widgets/roving';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
/** What the user types (http://host:port) as the workbench names a reporter source. */
const sourceUrl = (typed: string): string => `reporter+${typed.trim().replace(/\/+$/, '')}`;
const shown = (url: string): string => url.replace(/^reporter\+/, '');

/**
 * Crash reporters as sources: add one by URL (its token kept in the OS keychain in the desktop
 * app), and sync any of them: what arrived since the last sync is downloaded and imported.
 */
export function ReporterSources({ onClose }: { onClose(): void }) {
  const startReporterSync = useGroupsStore((s) => s.startReporterSync);
  const [sources, setSources] = useState<ReporterSourceInfo[]>([]);
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [remember, setRemember] = useState(Boolean(desktop));
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const { itemProps, innerTabIndex } = useRovingList(sources.length);

  useEffect(() => {
    importRequests.listReporterSources().then(setSources, (e: unknown) => setError(message(e)));
  }, []);

  const sync = (source: string, given?: string): void => {
    onClose();
    void startReporterSync({ url: source, ...(given ? { token: given } : {}) });
  };
  const add = (e: FormEvent): void => {
    e.preventDefault();
    setError(null);
    const source = sourceUrl(url);
    const keep = remember && desktop ? token : null;
    importRequests.saveReporterSource(source, keep).then(
      () => sync(source, keep ? undefined : token),
      (err: unknown) => setError(message(err)),
    );
  };

  return (
    <Modal label="Import from a reporter" onClose={onClose} className="reporter-sources">
      {sources.length > 0 && (
        <ul className="reporter-list" aria-label="Reporters">
          {sources.map((s, i) => (
            <li key={s.url} {...itemProps(i)}>
              <code>{shown(s.url)}</code>{' '}
              <span className="muted">
                {s.lastSync ? `last synced ${new Date(s.lastSync).toLocaleString()}` : 'never synced'}
                {s.tokenSaved ? ' · token in the keychain' : ' · no saved token'}
              </span>{' '}
              <button
                onClick={() => (s.tokenSaved ? sync(s.url) : (setUrl(shown(s.url)), setError('Enter the token to sync.')))}
                aria-label={`Sync ${shown(s.url)}`}
                tabIndex={innerTabIndex(i)}
              >
                Sync
              </button>{' '}
              <button onClick={() => setRemoving(s.url)} aria-label={`Remove ${shown(s.url)}`} tabIndex={innerTabIndex(i)}>
                Remove…
              </button>
            </li>
          ))}
        </ul>
      )}
      {removing && (
        <ConfirmDialog
          title="Remove a reporter"
          message={`Stop syncing from ${shown(removing)} and forget its saved token? The crashes already imported from it stay.`}
          confirm="Remove"
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            setRemoving(null);
            importRequests.removeReporterSource(removing).then(setSources, (e: unknown) => setError(message(e)));
          }}
        />
      )}
      <form className="s3-endpoint" onSubmit={add} aria-label="Reporter">
        <input
          aria-label="Reporter URL"
          placeholder="http://reporter.example:8088"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          pattern="https?://[^\s\/?#]+\/?"
          required
        />
        <TokenInput label="Project token" value={token} onChange={setToken} required />
        {desktop && (
          <label>
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Keep the token in the keychain
          </label>
        )}
        <button type="submit">Sync</button>
      </form>
      {!desktop && <p className="muted">The browser host keeps no secrets: the token is sent with this sync only.</p>}
      {error && (
        <p role="alert" className="error-bar">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}
