import { useEffect, useState } from 'react';
import type { DebuggerKind, Settings } from '../../../shared/model';
import { DebuggerOptions } from '../widgets/DebuggerOptions';
import { api } from '../api';

/** Settings that apply to every crash opened or imported from now on. */
export function SettingsMenu() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.getSettings().then(setSettings, (e: unknown) => setError(String(e)));
  }, []);
  const change = (defaultDebugger: DebuggerKind): void => {
    api.updateSettings({ defaultDebugger }).then(setSettings, (e: unknown) => setError(String(e)));
  };
  return (
    <label className="settings" title={error ?? 'The debugger that analyses new cores; minidumps always use lldb'}>
      Default debugger{' '}
      <select
        aria-label="Default debugger"
        value={settings?.defaultDebugger ?? 'gdb'}
        disabled={!settings}
        onChange={(e) => change(e.target.value as DebuggerKind)}
      >
        <DebuggerOptions />
      </select>
    </label>
  );
}
