import { useState } from 'react';
import { desktop } from '../desktop';
import { useGroupsStore } from '../stores/groups-store';
import { FileBrowser } from '../widgets/FileBrowser';
import { ReporterSources } from './ReporterSources';
import { S3Browser } from './S3Browser';
import { SymbolSettings } from './SymbolSettings';
import { WatchedFolders } from './WatchedFolders';
import { useCommands } from '../stores/command-store';
import { ImportOptions } from './ImportOptions';

/** Import files or folders of cores: progress, cancel, and what failed with why. */
export function ImportPanel() {
  const { importing, lastImport, startImport, cancelImport } = useGroupsStore();
  const [browsing, setBrowsing] = useState(false);
  const [s3, setS3] = useState(false);
  const [reporters, setReporters] = useState(false);
  const [symbols, setSymbols] = useState(false);
  /** The folder or file picked, waiting for its import options. */
  const [chosen, setChosen] = useState<string | null>(null);
  const failed = importing?.failed ?? lastImport?.failed ?? [];
  useCommands(
    [
      { id: 'import.folder', title: 'Import crashes…', section: 'Import' },
      { id: 'import.s3', title: 'Import from S3…', section: 'Import' },
      { id: 'import.reporter', title: 'Import from a reporter…', section: 'Import' },
      { id: 'symbols.settings', title: 'Symbols: library folders, debug folders, symbol servers…', section: 'Settings' },
    ],
    (id) => {
      if (id === 'import.folder') choose();
      else if (id === 'import.s3') setS3(true);
      else if (id === 'import.reporter') setReporters(true);
      else if (id === 'symbols.settings') setSymbols(true);
    },
  );

  const choose = (): void => {
    if (desktop) {
      void desktop.pickFolder().then((path) => {
        if (path) setChosen(path);
      });
    } else setBrowsing(true);
  };

  return (
    <section className="import-panel" aria-label="Import">
      <button onClick={choose} disabled={importing !== null}>
        Import crashes…
      </button>
      <button onClick={() => setS3(true)} disabled={importing !== null}>
        Import from S3…
      </button>
      <button onClick={() => setReporters(true)} disabled={importing !== null}>
        Import from a reporter…
      </button>
      <button onClick={() => setSymbols(true)} title="Where programs, libraries and debug info from other machines are found">
        Symbols…
      </button>
      {s3 && <S3Browser onClose={() => setS3(false)} />}
      {symbols && <SymbolSettings onClose={() => setSymbols(false)} />}
      {reporters && <ReporterSources onClose={() => setReporters(false)} />}
      <WatchedFolders />
      {importing && (
        <div
          className="progress"
          role="progressbar"
          aria-label="Import progress"
          aria-valuenow={importing.done}
          aria-valuemax={importing.total}
        >
          <div className="progress-text">
            {importing.jobId === 'download'
              ? `${importing.current ?? 'downloading'} · ${Math.round((importing.done / Math.max(1, importing.total)) * 100)}%`
              : `${importing.done} of ${importing.total} · ${importing.failed.length} failed${importing.current ? ` · ${importing.current}` : ''}`}
          </div>
          <div className="progress-track">
            <div
              className="progress-fill"
              style={{ width: `${importing.total ? Math.round((importing.done / importing.total) * 100) : 5}%` }}
            />
          </div>
          <button onClick={() => void cancelImport()}>Cancel</button>
        </div>
      )}
      {lastImport && (
        <p role="status">
          {lastImport.cancelled ? 'Cancelled: ' : ''}imported {lastImport.imported.length}, already present {lastImport.existing.length},
          failed {lastImport.failed.length}
        </p>
      )}
      {failed.length > 0 && (
        <ul className="failures" aria-label="Failed imports">
          {failed.map((f) => (
            <li key={f.path}>
              <code>{f.path}</code>: {f.error}
            </li>
          ))}
        </ul>
      )}
      {browsing && (
        <FileBrowser
          mode="any"
          onChoose={(path) => {
            setBrowsing(false);
            setChosen(path);
          }}
          onCancel={() => setBrowsing(false)}
        />
      )}
      {chosen && (
        <ImportOptions
          path={chosen}
          onCancel={() => setChosen(null)}
          onImport={(request) => {
            setChosen(null);
            void startImport(request);
          }}
        />
      )}
    </section>
  );
}
