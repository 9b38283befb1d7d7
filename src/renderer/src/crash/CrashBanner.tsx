import { useReportStore } from '../stores/report-store';
import type { Crash } from '../../../shared/model';

export function CrashBanner({ crash }: { crash: Crash }) {
  const crashed = crash.threads.find((t) => t.crashed);
  return (
    <header className="banner" aria-label="Crash summary">
      <h1>
        {crash.signal.explanation}{' '}
        <button className="banner-export" onClick={() => useReportStore.getState().openExport({ kind: 'crash', id: crash.id })}>
          Export…
        </button>
      </h1>
      <p>
        {crash.executable ?? 'unknown executable'} · pid {crash.pid} · thread {crashed?.number ?? '?'} (LWP {crash.crashingThreadId}) ·{' '}
        {new Date(crash.timestamp).toLocaleString()} · {crash.debugger}
      </p>
      {crash.commandLine && <p className="cmdline">{crash.commandLine}</p>}
      {crash.analysisError && (
        <p className="error" role="alert">
          The debugger could not finish: {crash.analysisError}. What the core itself says is shown.
        </p>
      )}
      {crash.warnings.map((w, i) => (
        <p key={i} className="warning" role="status">
          {w.message}
        </p>
      ))}
    </header>
  );
}
