import { useEffect, useRef, useState } from 'react';
import type { DirectoryListing } from '../../../shared/model';
import { importRequests } from '../stores/imports-store';
import { Modal } from './Modal';
import { useRovingList } from './roving';

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

  const list = useRef<HTMLUListElement>(null);
  /** Lists a folder; `focusList` when it was opened from the list, whose focused row is gone with the old listing. */
  const go = (path: string | null, focusList = false): void => {
    importRequests.listDirectory(path).then(
      (l) => {
        setListing(l);
        if (focusList) requestAnimationFrame(() => list.current?.querySelector<HTMLElement>('button')?.focus());
        // The first listing arrives after the dialog opens; what the user typed meanwhile stays.
        setTyped((current) => (path === null && current !== '' ? current : l.path));
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  };
  useEffect(() => go(null), []);

  const items = [
    ...(listing?.parent ? [{ path: listing.parent, label: '..', kind: 'directory' as const, size: null }] : []),
    ...(listing?.entries ?? []).map((entry) => ({
      path: entry.path,
      label: entry.kind === 'directory' ? `${entry.name}/` : entry.name,
      kind: entry.kind,
      size: entry.kind === 'file' ? entry.size : null,
    })),
  ];
  const activate = (index: number): void => {
    const item = items[index];
    if (!item) return;
    if (item.kind === 'directory') go(item.path, true);
    else if (mode !== 'folder') onChoose(item.path);
  };
  /**
   * The folder typed in the path field when it is not the one listed (its listing may not have
   * come yet, or the user never pressed Go): what the user sees in the field is what is chosen.
   */
  const useFolder = (): void => {
    if (!listing) return;
    const target = typed.trim();
    if (target === '' || target === listing.path) return onChoose(listing.path);
    importRequests.listDirectory(target).then(
      (l) => onChoose(l.path),
      (e: Error) => setError(e.message),
    );
  };
  // Arrows move through the files, Enter opens a folder or chooses a file; one Tab stop for the list.
  const { itemProps } = useRovingList(items.length, activate);

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
            importRequests.listDirectory(typed).then(
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
      <ul className="file-list" aria-label="Files" ref={list}>
        {items.map((item, i) => (
          <li key={item.path}>
            <button onClick={() => activate(i)} className={item.kind} {...itemProps(i)}>
              {item.label}
            </button>
            {item.size !== null && <span className="size">{item.size.toLocaleString()} B</span>}
          </li>
        ))}
      </ul>
      <div className="actions">
        {mode !== 'file' && listing && <button onClick={useFolder}>Use this folder</button>}
        <button onClick={onCancel}>Cancel</button>
      </div>
    </Modal>
  );
}
