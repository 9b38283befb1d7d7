import { ImportPanel } from '../sources/ImportPanel';
import { useOpenCore } from './use-open-core';

/** What the app shows before any crash is stored or opened: every way a crash comes in. */
export function FirstRun() {
  const { choose, browser } = useOpenCore();
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
      {browser}
    </main>
  );
}
