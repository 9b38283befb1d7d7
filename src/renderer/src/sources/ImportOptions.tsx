import { useState } from 'react';
import type { ImportRequest } from '../../../shared/model';
import { Modal } from '../widgets/Modal';
import { DialogActions } from '../widgets/DialogActions';

const KEY = /^[a-z][a-z0-9_.-]*$/;

/** "version=2.4 hostname=web-3", one a line, into attributes; or what is wrong with which line. */
export function parseAttributes(text: string): { attributes: Record<string, string> } | { error: string } {
  const attributes: Record<string, string> = {};
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const at = line.indexOf('=');
    const key = line.slice(0, at).trim();
    if (at <= 0 || !KEY.test(key)) return { error: `line ${i + 1}: write key=value, the key in lower case (letters, digits, _ . -)` };
    attributes[key] = line.slice(at + 1).trim();
  }
  return { attributes };
}

const paths = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * What an import is told besides its paths, as `crashwb import` is: attributes for every crash
 * (version, hostname …), debug folders, and the executable when the cores are of one program.
 */
export function ImportOptions({ path, onImport, onCancel }: { path: string; onImport(request: ImportRequest): void; onCancel(): void }) {
  const [attributes, setAttributes] = useState('');
  const [debugDirs, setDebugDirs] = useState('');
  const [executable, setExecutable] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (): void => {
    const parsed = parseAttributes(attributes);
    if ('error' in parsed) return setError(`Attributes, ${parsed.error}`);
    const dirs = paths(debugDirs);
    const relative = [...dirs, executable.trim()].find((p) => p && !p.startsWith('/'));
    if (relative) return setError(`${relative} is not an absolute path: write it from / on`);
    onImport({
      paths: [path],
      ...(Object.keys(parsed.attributes).length ? { attributes: parsed.attributes } : {}),
      ...(dirs.length ? { debugDirs: dirs } : {}),
      ...(executable.trim() ? { executable: executable.trim() } : {}),
    });
  };
  return (
    <Modal label="Import options" onClose={onCancel} className="import-options">
      <h2>Import {path}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label>
          Attributes, one <code>key=value</code> a line (version, hostname, anything to filter by)
          <textarea
            rows={3}
            value={attributes}
            onChange={(e) => setAttributes(e.target.value)}
            placeholder={'version=2.4.1\nhostname=web-3'}
          />
        </label>
        <label>
          Debug folders, one a line (holding <code>.build-id/</code> or Breakpad symbols)
          <textarea rows={2} value={debugDirs} onChange={(e) => setDebugDirs(e.target.value)} placeholder="/srv/symbols" />
        </label>
        <label>
          Executable, when every core is of this program (optional)
          <input value={executable} onChange={(e) => setExecutable(e.target.value)} placeholder="/opt/app/bin/server" spellCheck={false} />
        </label>
        <DialogActions error={error} submit="Import" onCancel={onCancel} />
      </form>
    </Modal>
  );
}
