import { useCrashStore } from '../stores/crash-store';
import { SettingsMenu } from './SettingsMenu';
import { RecentMenu } from './RecentMenu';
import { useCommands } from '../stores/command-store';
import { useOpenCore } from './use-open-core';

export function OpenBar() {
  const opening = useCrashStore((s) => s.opening);
  const { choose, browser } = useOpenCore();

  useCommands([{ id: 'open.core', title: 'Open a core or minidump…', section: 'Open' }], choose);

  return (
    <nav className="open-bar" aria-label="Open">
      <span className="app-name">Crash Workbench</span>
      <button onClick={choose} disabled={opening !== null}>
        Open core…
      </button>
      <RecentMenu />
      <span className="spacer" />
      <SettingsMenu />
      {browser}
    </nav>
  );
}
