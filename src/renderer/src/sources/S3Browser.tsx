import { useState, type FormEvent } from 'react';
import type { S3Endpoint, S3Listing } from '../../../shared/model';
import { desktop } from '../desktop';
import { importRequests } from '../stores/imports-store';
import { useGroupsStore } from '../stores/groups-store';
import { useRovingList } from '../widgets/roving';
import { Modal } from '../widgets/Modal';

const size = (bytes: number): string =>
  bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GiB`
    : bytes >= 1024 ** 2
      ? `${(bytes / 1024 ** 2).toFixed(1)} MiB`
      : `${Math.ceil(bytes / 1024)} KiB`;

/** Saves credentials for the endpoint in the OS keychain (desktop app only). */
function SaveCredentials({ endpoint, onSaved }: { endpoint: string | null; onSaved(): void }) {
  const [accessKeyId, setKey] = useState('');
  const [secretAccessKey, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="s3-credentials"
      aria-label="S3 credentials"
      onSubmit={(e) => {
        e.preventDefault();
        importRequests.saveS3Credentials(endpoint, { accessKeyId, secretAccessKey }).then(onSaved, (err: unknown) => setError(String(err)));
      }}
    >
      <input aria-label="Access key id" value={accessKeyId} onChange={(e) => setKey(e.target.value)} autoComplete="off" />
      <input
        aria-label="Secret access key"
        type="password"
        value={secretAccessKey}
        onChange={(e) => setSecret(e.target.value)}
        autoComplete="off"
      />
      <button type="submit" disabled={!accessKeyId || !secretAccessKey}>
        Save in the keychain
      </button>
      {error && <span className="muted">{error}</span>}
    </form>
  );
}

/** Browse an S3-compatible store, see which objects are crash bundles, and import a selection or a whole prefix. */
export function S3Browser({ onClose }: { onClose(): void }) {
  const startS3Import = useGroupsStore((s) => s.startS3Import);
  const [endpoint, setEndpoint] = useState('');
  const [region, setRegion] = useState('');
  const [pathStyle, setPathStyle] = useState(true);
  const [saved, setSaved] = useState(false);
  const [url, setUrl] = useState<string | null>(null);
  const [listing, setListing] = useState<S3Listing | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const where = (): S3Endpoint => ({
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    pathStyle,
    ...(saved ? { savedCredentials: true } : {}),
  });
  const open = (target: string | null): void => {
    setBusy(true);
    setError(null);
    importRequests.listS3(where(), target).then(
      (l) => {
        setUrl(target);
        setListing(l);
        setSelected(new Set());
        setBusy(false);
      },
      (e: unknown) => {
        setError(e instanceof Error ? e.message : String(e));
        setBusy(false);
      },
    );
  };
  const bucket = url ? /^s3:\/\/([^/]+)/.exec(url)?.[1] : null;
  const folders = bucket ? (listing?.prefixes ?? []) : [];
  const pick = (key: string, on: boolean): void => {
    const next = new Set(selected);
    if (on) next.add(key);
    else next.delete(key);
    setSelected(next);
  };
  // One Tab stop for the listing: arrows move, Enter opens a bucket or folder and ticks an object.
  const { itemProps } = useRovingList((listing?.buckets.length ?? 0) + folders.length + (listing?.objects.length ?? 0), (i) => {
    if (!listing) return;
    const objectIndex = i - listing.buckets.length - folders.length;
    const object = listing.objects[objectIndex];
    if (i < listing.buckets.length) open(`s3://${listing.buckets[i]}`);
    else if (objectIndex < 0) open(`s3://${bucket}/${folders[i - listing.buckets.length]}`);
    else if (object) pick(object.key, !selected.has(object.key));
  });
  const importNow = (keys?: string[]): void => {
    if (!url) return;
    onClose();
    void startS3Import({ ...where(), url, ...(keys ? { keys } : {}) });
  };

  return (
    <Modal label="Import from S3" onClose={onClose} className="s3-browser">
      <form
        className="s3-endpoint"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          open(null);
        }}
      >
        <input
          aria-label="Endpoint"
          placeholder="https://minio.example:9000 (empty: AWS)"
          value={endpoint}
          onChange={(e) => setEndpoint(e.target.value.trim())}
        />
        <input aria-label="Region" placeholder="us-east-1" value={region} onChange={(e) => setRegion(e.target.value.trim())} />
        <label>
          <input type="checkbox" checked={pathStyle} onChange={(e) => setPathStyle(e.target.checked)} /> Path-style
        </label>
        {desktop && (
          <label>
            <input type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} /> Saved credentials
          </label>
        )}
        <button type="submit" disabled={busy}>
          List buckets
        </button>
      </form>
      {desktop && saved && <SaveCredentials endpoint={endpoint || null} onSaved={() => open(url)} />}
      {!desktop && <p className="muted">Credentials come from the server’s AWS profile or environment.</p>}
      {error && (
        <p role="alert" className="error-bar">
          {error}
        </p>
      )}
      {url && (
        <p className="s3-path">
          <code>{url}</code>{' '}
          <button onClick={() => importNow()} disabled={busy}>
            Sync this prefix
          </button>
        </p>
      )}
      {listing && (
        <ul className="s3-list" aria-label="S3 objects">
          {listing.buckets.map((b, i) => (
            <li key={b}>
              <button onClick={() => open(`s3://${b}`)} {...itemProps(i)}>
                {b}/
              </button>
            </li>
          ))}
          {folders.map((p, i) => (
            <li key={p}>
              <button onClick={() => open(`s3://${bucket}/${p}`)} {...itemProps(listing.buckets.length + i)}>
                {p}
              </button>
            </li>
          ))}
          {listing.objects.map((o, i) => (
            <li key={o.key} className={o.kind ? 'crash-object' : 'other-object'}>
              <label>
                <input
                  {...itemProps(listing.buckets.length + folders.length + i)}
                  type="checkbox"
                  aria-label={`Select ${o.key}`}
                  checked={selected.has(o.key)}
                  onChange={(e) => pick(o.key, e.target.checked)}
                />{' '}
                <code>{o.key.slice(o.key.lastIndexOf('/') + 1)}</code>
              </label>{' '}
              <span className="muted">
                {o.kind ?? 'not a crash'} · {size(o.size)}
                {o.synced ? ' · downloaded' : ''}
                {Object.entries(o.metadata).map(([k, v]) => ` · ${k} ${v}`)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="modal-actions">
        <button onClick={() => importNow([...selected])} disabled={selected.size === 0}>
          Import {selected.size} selected
        </button>
        <button onClick={onClose}>Close</button>
      </div>
    </Modal>
  );
}
