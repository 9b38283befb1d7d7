import { useState } from 'react';
import type { Crash, SymbolStatus } from '../../../shared/model';
import { DebuggerOptions } from '../widgets/DebuggerOptions';
import { desktop } from '../api';
import { useCrashStore } from '../stores/crash-store';
import { FileBrowser } from '../widgets/FileBrowser';

const STATUS: Record<SymbolStatus, string> = {
  'debug-info': 'debug info',
  symbols: 'symbols only',
  none: 'no symbols',
  missing: 'file not found',
};

/** Every file mapped into the process, with its build-id and what the debugger could read of it. */
export function ModulesView({ crash }: { crash: Crash }) {
  const reanalyze = useCrashStore((s) => s.reanalyze);
  const [picking, setPicking] = useState(false);
  const debugDirs = crash.loaded?.debugDirs ?? [];
  const add = (dir: string | null): void => {
    setPicking(false);
    if (dir && !debugDirs.includes(dir)) void reanalyze({ debugDirs: [...debugDirs, dir] });
  };
  return (
    <div className="modules">
      <div className="modules-actions">
        <button onClick={() => (desktop ? void desktop.pickFolder().then(add) : setPicking(true))}>Add debug directory…</button>
        <label>
          Debugger{' '}
          <select
            aria-label="Debugger for this crash"
            value={crash.debugger}
            onChange={(e) => void reanalyze({ debugger: e.target.value as Crash['debugger'] })}
          >
            <DebuggerOptions />
          </select>
        </label>
        <span className="muted">
          {debugDirs.length ? `Debug directories: ${debugDirs.join(', ')}` : 'Debug info is looked up under /usr/lib/debug.'}
        </span>
      </div>
      {picking && <FileBrowser mode="folder" title="Choose a debug directory" onChoose={add} onCancel={() => setPicking(false)} />}
      <table aria-label="Modules">
        <thead>
          <tr>
            <th>Module</th>
            <th>Build-id</th>
            <th>Symbols</th>
            <th>Path on this machine</th>
          </tr>
        </thead>
        <tbody>
          {crash.modules.map((m) => (
            <tr key={`${m.path}-${m.start}`} className={`symbols-${m.symbols}`}>
              <td title={m.path}>{m.path.split('/').pop()}</td>
              <td>
                <code title={m.buildId ?? undefined}>{m.buildId ? m.buildId.slice(0, 16) : '—'}</code>
              </td>
              <td>{STATUS[m.symbols]}</td>
              <td title={m.debugFile ?? undefined}>{m.hostPath ?? 'not found'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
