import { useCrashStore } from '../stores/crash-store';
import { SettingsMenu } from './SettingsMenu';
import { useCommands } from '../stores/command-store';
import { useOpenCore } from './use-open-core';

export function OpenBar() {
  const { recent, show, opening } = useCrashStore();
  const { choose, browser } = useOpenCore();

  useCommands([{ id: 'open.core', title: 'Open a core or minidump…', section: 'Open' }], choose);

  return (
    <nav className="open-bar" aria-label="Open">
      <span className="app-name">Crash Workbench</span>
      <button onClick={choose} disabled={opening !== null}>
        Open core…
      </button>
      <label>
        Recent{' '}
        <select
          aria-label="Recent files"
          value=""
          onChange={(e) => {
            if (e.target.value) void show(e.target.value);
          }}
        >
          <option value="">{recent.length ? 'Choose…' : 'none yet'}</option>
          {recent.map((r) => (
            <option key={`${r.id}-${r.source}`} value={r.id}>
              {r.source} — {r.signalName}
            </option>
          ))}
        </select>
      </label>
      <SettingsMenu />
      {browser}
    </nav>
  );
}
