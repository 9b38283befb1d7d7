import { useEffect, useState } from 'react';
import {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportPreview,
  type ExportTarget,
  type RedactionRule,
  type RedactionRules,
} from '../../../shared/model';
import { desktop } from '../desktop';
import { exportRequests } from '../stores/report-store';
import { useReportStore } from '../stores/report-store';
import { Modal } from '../widgets/Modal';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const TOGGLES: Array<[keyof RedactionRules, string]> = [
  ['environment', 'Environment variable values'],
  ['secrets', 'Secrets (tokens, passwords, keys, URL credentials)'],
  ['homePaths', 'Home paths'],
  ['hostnames', 'Hostnames'],
  ['ipAddresses', 'IP addresses'],
];

/** Most telling first; the environment, where everything goes, last and folded. */
const RULE_ORDER: RedactionRule[] = ['secret', 'key', 'pattern', 'hostname', 'ip-address', 'home-path', 'environment'];
const OPEN_RULES = new Set<RedactionRule>(['secret', 'key', 'pattern', 'hostname', 'ip-address']);
const RULE_NAMES: Record<RedactionRule, string> = {
  secret: 'Secrets',
  key: 'Configured keys',
  pattern: 'Your patterns',
  hostname: 'Hostnames',
  'ip-address': 'IP addresses',
  'home-path': 'Home paths',
  environment: 'Environment values (names kept)',
};

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Browser host: the bytes become a download the browser saves. */
function download(fileName: string, mimeType: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Export a crash or a group: choose the format and what to redact, see exactly what would be
 * removed and the redacted report, then save it.
 */
export function ExportDialog() {
  const { exportTarget: target, closeExport } = useReportStore();
  // Mounted only while open: the rules are read when the dialog opens, not when the app starts.
  return target ? <ExportForm target={target} onClose={closeExport} /> : null;
}

function ExportForm({ target, onClose }: { target: ExportTarget; onClose(): void }) {
  const [format, setFormat] = useState<ExportFormat>('md');
  const [redact, setRedact] = useState(true);
  const [rules, setRules] = useState<RedactionRules | null>(null);
  const [preview, setPreview] = useState<ExportPreview | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    exportRequests.getRedactionRules().then(setRules, (e: unknown) => setError(message(e)));
  }, []);
  useEffect(() => {
    if (!rules) return;
    let current = true;
    exportRequests.previewExport({ target, format, redact, rules }).then(
      (p) => current && (setPreview(p), setError(null)),
      (e: unknown) => current && setError(message(e)),
    );
    return () => {
      current = false;
    };
  }, [target, format, redact, rules]);

  const save = async (): Promise<void> => {
    if (!rules) return;
    setBusy(true);
    setStatus(null);
    try {
      const request = { target, format, redact, rules };
      if (desktop) {
        const path = await desktop.saveReport(request);
        setStatus(path ? `Saved ${path}` : null);
      } else {
        const file = await exportRequests.exportReport(request);
        download(file.fileName, file.mimeType, file.base64);
        setStatus(`Exported ${file.fileName}`);
      }
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const removedCount = preview?.removed.reduce((n, r) => n + r.count, 0) ?? 0;
  const what = target.kind === 'crash' ? `crash ${target.id.slice(0, 12)}` : `group #${target.id}`;

  return (
    <Modal label="Export report" onClose={onClose} className="export-dialog">
      <button className="modal-close" onClick={onClose} aria-label="Close export">
        ×
      </button>
      <h2>Export {what}</h2>
      <div className="export-options">
        <label>
          Format{' '}
          <select aria-label="Format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            {EXPORT_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f === 'md' ? 'Markdown' : f.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={redact} onChange={(e) => setRedact(e.target.checked)} /> Redact before export
        </label>
      </div>
      {rules && redact && (
        <fieldset className="redaction-rules" aria-label="Redaction rules">
          <legend>Remove</legend>
          {TOGGLES.map(([key, label]) => (
            <label key={key}>
              <input type="checkbox" checked={rules[key] as boolean} onChange={(e) => setRules({ ...rules, [key]: e.target.checked })} />{' '}
              {label}
            </label>
          ))}
          <label>
            Attribute keys always removed (one per line)
            <textarea
              aria-label="Keys to remove"
              defaultValue={rules.keys.join('\n')}
              onBlur={(e) => setRules({ ...rules, keys: lines(e.target.value) })}
            />
          </label>
          <label>
            Patterns removed (regular expressions, one per line)
            <textarea
              aria-label="Patterns to remove"
              defaultValue={rules.patterns.join('\n')}
              onBlur={(e) => setRules({ ...rules, patterns: lines(e.target.value) })}
            />
          </label>
          <button
            onClick={() =>
              exportRequests.saveRedactionRules(rules).then(
                () => setStatus('These rules are now the default.'),
                (e: unknown) => setError(message(e)),
              )
            }
          >
            Make these the default
          </button>
        </fieldset>
      )}
      {error && (
        <p className="error-bar" role="alert">
          {error}
        </p>
      )}
      {preview && redact && (
        <section aria-label="Removed">
          <h3>
            {preview.removed.length === 0 ? 'Nothing to remove' : `Removed: ${removedCount} ${removedCount === 1 ? 'place' : 'places'}`}
          </h3>
          {RULE_ORDER.map((rule) => {
            const items = preview.removed.filter((r) => r.rule === rule);
            if (items.length === 0) return null;
            return (
              <details key={rule} open={OPEN_RULES.has(rule)}>
                <summary>
                  {RULE_NAMES[rule]}: {items.reduce((n, r) => n + r.count, 0)}
                </summary>
                <table className="removed">
                  <tbody>
                    {items.map((r) => (
                      <tr key={r.text}>
                        <td>{r.where}</td>
                        <td>
                          <del>{r.text}</del>
                        </td>
                        <td>{r.count > 1 ? `×${r.count}` : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            );
          })}
        </section>
      )}
      {preview && (
        <details>
          <summary>The report as it will leave</summary>
          <pre className="report-preview" aria-label="Report preview">
            {preview.markdown}
          </pre>
        </details>
      )}
      <div className="modal-actions">
        {status && (
          <span className="muted" role="status">
            {status}
          </span>
        )}
        <button onClick={() => void save()} disabled={busy || !rules}>
          {busy ? 'Exporting…' : `Export ${format === 'md' ? 'Markdown' : format.toUpperCase()}`}
        </button>
      </div>
    </Modal>
  );
}
