import { useState, type FormEvent } from 'react';
import { useReportStore } from '../stores/report-store';
import { useCrashStore } from '../stores/crash-store';
import { desktop } from '../desktop';
import { TokenInput } from '../widgets/TokenInput';
import { isSnapshot, type Crash } from '../../../shared/model';
import { runtimeLine, systemLine, threadMention, uptimeWords } from '../../../shared/frame-label';
import { useCommands } from '../stores/command-store';
import { CopyButton } from '../widgets/CopyButton';

/** A crash known from the analysis its host sent: what it lacks, and the way to its core. */
function SnapshotNotice({ crash }: { crash: Crash }) {
  const fetchCore = useCrashStore((s) => s.fetchCore);
  const [token, setToken] = useState('');
  const reporter = crash.attributes['reporter.url'];
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void fetchCore(token || null);
  };
  return (
    <form className="snapshot-notice" role="status" onSubmit={submit} aria-label="Snapshot">
      Analysed on the host where it crashed; its core is not here, so there is no console.{' '}
      {reporter ? (
        <>
          {!desktop && <TokenInput label="Project token" placeholder="project token" value={token} onChange={setToken} />}{' '}
          <button type="submit">Fetch the core from {reporter}</button>
        </>
      ) : (
        'Import its core to open one.'
      )}
    </form>
  );
}

export function CrashBanner({ crash, onOpenGroup }: { crash: Crash; onOpenGroup?(groupId: number): void }) {
  const crashed = crash.threads.find((t) => t.crashed);
  const said = runtimeLine(crash.runtime);
  const { warnings } = crash;
  useCommands(
    [
      { id: 'crash.export', title: 'Export a report of this crash…', section: 'Crash' },
      ...(crash.groupId != null && onOpenGroup
        ? [{ id: 'crash.group', title: `Open this crash's group (#${crash.groupId})`, section: 'Crash' }]
        : []),
    ],
    (id) => {
      if (id === 'crash.export') useReportStore.getState().openExport({ kind: 'crash', id: crash.id });
      else if (crash.groupId != null) onOpenGroup?.(crash.groupId);
    },
  );
  return (
    <header className="banner" aria-label="Crash summary">
      {said && <p className="runtime-message">{said}</p>}
      <h1>
        {crash.signal.explanation}{' '}
        <button className="banner-export" onClick={() => useReportStore.getState().openExport({ kind: 'crash', id: crash.id })}>
          Export…
        </button>
        {crash.groupId != null && onOpenGroup && (
          <button className="banner-group" onClick={() => onOpenGroup(crash.groupId as number)}>
            Group #{crash.groupId}
          </button>
        )}
      </h1>
      <p>
        {crash.executable ?? 'unknown executable'}
        {crash.executable && <CopyButton label="Copy" what="the executable's path" text={crash.executable} />} · pid {crash.pid} ·{' '}
        {crashed ? threadMention(crashed) : `thread ? (LWP ${crash.crashingThreadId})`} · {new Date(crash.timestamp).toLocaleString()} ·{' '}
        {crash.debugger}
        {crash.system && ` · ${systemLine(crash.system)}`}
        {crash.uptimeSeconds !== undefined && ` · ran ${uptimeWords(crash.uptimeSeconds)}`}
      </p>
      {crash.commandLine && <p className="cmdline">{crash.commandLine}</p>}
      {isSnapshot(crash) && <SnapshotNotice crash={crash} />}
      {crash.analysisError && (
        <p className="error" role="alert">
          The debugger could not finish: {crash.analysisError}. What the core itself says is shown.
        </p>
      )}
      {crash.runtime?.missing && (
        <p className="warning" role="status">
          {crash.runtime.missing}
        </p>
      )}
      {warnings.length === 1 && (
        <p className="warning" role="status">
          {warnings[0]?.message}
        </p>
      )}
      {warnings.length > 1 && (
        // Folded, so that many warnings never push the stack and the console off the window.
        <details className="warnings">
          <summary className="warning">
            {warnings.length} warnings: {warnings[0]?.message}
          </summary>
          {warnings.slice(1).map((w, i) => (
            <p key={i} className="warning">
              {w.message}
            </p>
          ))}
        </details>
      )}
    </header>
  );
}
