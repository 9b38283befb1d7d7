import { useEffect, useState } from 'react';
import type { DirectoryListing } from '../../../shared/model';
import { api } from '../api';
import { Modal } from './Modal';

interface Props {
  /** 'any' picks a file or the folder shown (imports take both). */
  mode: 'file' | 'folder' | 'any';
  /** The dialog's name, when the mode's default does not say what the folder is for. */
  title?: string;
  onChoose(path: string): void;
  onCancel(): void;
}

/** Browser mode's Open dialog: the files are on the machine that runs `crashwb serve`. */
export function FileBrowser({ mode, title, onChoose, onCancel }: Props) {
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);

  const go = (path: string | null): void => {
    api.listDirectory(path).then(
      (l) => {
        setListing(l);
        // The first listing arrives after the dialog opens; what the user typed meanwhile stays.
        setTyped((current) => (path === null && current !== '' ? current : l.path));
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  };
  useEffect(() => go(null), []);

  return (
    <Modal
      label={title ?? (mode === 'file' ? 'Open a core' : mode === 'any' ? 'Import crashes' : 'Choose a source folder')}
      onClose={onCancel}
    >
      <form
        className="path-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (mode !== 'folder' && !typed.endsWith('/')) {
            api.listDirectory(typed).then(
              (l) => setListing(l),
              () => onChoose(typed),
            );
          } else go(typed);
        }}
      >
        <input aria-label="Path" value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} />
        <button type="submit">Go</button>
      </form>
      {error && <p className="error">{error}</p>}
      <ul className="file-list" aria-label="Files">
        {listing?.parent && (
          <li>
            <button onClick={() => go(listing.parent)}>..</button>
          </li>
        )}
        {listing?.entries.map((entry) => (
          <li key={entry.path}>
            <button
              onClick={() => (entry.kind === 'directory' ? go(entry.path) : mode !== 'folder' && onChoose(entry.path))}
              className={entry.kind}
            >
              {entry.kind === 'directory' ? `${entry.name}/` : entry.name}
            </button>
            {entry.kind === 'file' && <span className="size">{entry.size.toLocaleString()} B</span>}
          </li>
        ))}
      </ul>
      <div className="actions">
        {mode !== 'file' && listing && <button onClick={() => onChoose(listing.path)}>Use this folder</button>}
        <button onClick={onCancel}>Cancel</button>
      </div>
    </Modal>
  );
}
