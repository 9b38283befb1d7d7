import type { DesktopBridge } from '../../shared/bridge';

declare global {
  interface Window {
    crashwb?: DesktopBridge;
  }
}

/** The desktop app's bridge (file dialogs, dropped files' paths, the menu); null in the browser host. */
export const desktop: DesktopBridge | null = window.crashwb ?? null;

/** Browser mode: sends a dropped file's bytes to the server, which keeps them and returns a path. */
export async function uploadFile(file: File): Promise<string> {
  const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, { method: 'PUT', body: file });
  if (!response.ok) throw new Error(`upload of ${file.name} failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { path: string }).path;
}
