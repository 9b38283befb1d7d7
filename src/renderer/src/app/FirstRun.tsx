import { useState } from 'react';
import { desktop } from '../api';
import { ImportPanel } from '../sources/ImportPanel';
import { useCrashStore } from '../stores/crash-store';
import { FileBrowser } from '../widgets/FileBrowser';

/** What the app shows before any crash is stored or opened: every way a crash comes in. */
export function FirstRun() {
  const open = useCrashStore((s) => s.open);
  const [browsing, setBrowsing] = useState(false);
  const choose = (): void => {
    if (desktop) void desktop.pickCoreFile().then((path) => path && void open({ path }));
    else setBrowsing(true);
  };
  return (
    <main className="first-run" aria-label="Start">
      <h1>See why a program crashed</h1>
      <p>Open one core or minidump to look at it now, or bring in many to group them by bug.</p>
      <section aria-label="Open one crash">
        <button className="primary" onClick={choose}>
          Open a core or minidump…
        </button>{' '}
        <span className="muted">or drop one on this window.</span>
      </section>
      <section aria-label="Bring in many">
        <h2>Bring in many</h2>
        <p className="muted">Import a folder, watch one where cores land, or pull from S3 or a crash reporter.</p>
        <ImportPanel />
      </section>
      {browsing && (
        <FileBrowser
          mode="file"
          onChoose={(path) => {
            setBrowsing(false);
            void open({ path });
          }}
          onCancel={() => setBrowsing(false)}
        />
      )}
    </main>
  );
}
