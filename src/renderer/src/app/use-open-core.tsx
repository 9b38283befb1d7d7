import { useState, type ReactNode } from 'react';
import { desktop } from '../desktop';
import { useCrashStore } from '../stores/crash-store';
import { FileBrowser } from '../widgets/FileBrowser';

/**
 * Choosing a core to open: the system's file dialog in the desktop app, the server's file
 * browser in a browser. `browser` is the dialog to render while it is open.
 */
export function useOpenCore(): { choose(): void; browser: ReactNode } {
  const open = useCrashStore((s) => s.open);
  const [browsing, setBrowsing] = useState(false);
  const choose = (): void => {
    if (desktop) {
      void desktop.pickCoreFile().then((path) => {
        if (path) void open({ path });
      });
    } else setBrowsing(true);
  };
  const browser = browsing && (
    <FileBrowser
      mode="file"
      onChoose={(path) => {
        setBrowsing(false);
        void open({ path });
      }}
      onCancel={() => setBrowsing(false)}
    />
  );
  return { choose, browser };
}
