import { useState } from 'react';
import { desktop } from '../api';
import { useCrashStore } from '../stores/crash-store';
import { FileBrowser } from '../widgets/FileBrowser';
import { SettingsMenu } from './SettingsMenu';
import { useCommands } from '../stores/command-store';

export function OpenBar() {
  const { open, recent, show, opening } = useCrashStore();
  const [browsing, setBrowsing] = useState(false);

  const choose = (): void => {
    if (desktop) {
      void desktop.pickCoreFile().then((path) => {
        if (path) void open({ path });
      });
    } else setBrowsing(true);
  };

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
    </nav>
  );
}
