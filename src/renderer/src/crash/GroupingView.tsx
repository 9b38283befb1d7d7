import { useEffect, useState } from 'react';
import type { FingerprintExplanation } from '../../../shared/model';
import { triageRequests } from '../stores/triage-store';

const MARK = { signature: '●', significant: '○', 'left-out': '–' } as const;
const VERDICT = { signature: 'in the signature', significant: 'compared for similarity', 'left-out': 'left out' } as const;

/** Why this crash is in its group: the fingerprint, and for each frame the rule that counted or dropped it. */
export function GroupingView({ crashId }: { crashId: string }) {
  const [explanation, setExplanation] = useState<FingerprintExplanation | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    setExplanation(null);
    setError(null);
    triageRequests.explainFingerprint(crashId).then(
      (e) => current && setExplanation(e),
      (e: unknown) => current && setError(`could not explain the fingerprint: ${e instanceof Error ? e.message : String(e)}`),
    );
    return () => {
      current = false;
    };
  }, [crashId]);
  if (error) return <p className="error">{error}</p>;
  if (!explanation) return <p className="muted">Reading the grouping rules…</p>;
  const e = explanation;
  return (
    <div className="grouping-view" tabIndex={0} aria-label="How the fingerprint came about">
      <p className="grouping-summary">
        <strong>{e.title}</strong>
        <br />
        {e.fixedLine !== null ? (
          <>
            Fingerprinted by fixed values, rule on line {e.fixedLine}: {e.frames.join(' ')}
          </>
        ) : (
          <>
            Signature {e.frames.join(' → ')}
            {e.cycle && ' (the recursion cycle at the top of the stack)'}
          </>
        )}
        <br />
        <span className="muted">
          Mechanism {e.mechanism}
          {e.mechanismLine !== null ? `, rule on line ${e.mechanismLine}` : ': no mechanism rule matched, so the signal'}
          {' · '}
          {e.rules === 'default' ? 'the default rules' : `this database’s rules (${e.rules})`} · fingerprint {e.hash.slice(0, 12)}
          {e.scannedFrames > 0 && ` · ${e.scannedFrames} frames found by scanning the stack never count`}
        </span>
      </p>
      <ol className="grouping-frames" aria-label="Frames and the rules that decided them">
        {e.stack.map((f) => (
          <li key={f.index} className={`verdict-${f.verdict}`}>
            <span className="grouping-mark" aria-label={VERDICT[f.verdict]} title={VERDICT[f.verdict]}>
              {MARK[f.verdict]}
            </span>
            <span className="grouping-frame">
              #{f.index} <code>{f.name}</code>
              {!f.app && <span className="muted"> · not the program’s own</span>}
              <br />
              <span className="muted">{f.reason}</span>
              {f.notes.map((n, i) => (
                <span key={i} className="grouping-note">
                  line {n.line}: <code>{n.rule}</code> → {n.effect}
                </span>
              ))}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
