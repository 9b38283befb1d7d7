import { BrowserWindow, dialog } from 'electron';

export const CORE_DIALOG = { title: 'Open a core dump', properties: ['openFile' as const] };
export const SOURCE_FOLDER_DIALOG = { title: 'Choose the folder that holds the sources', properties: ['openDirectory' as const] };

/** A native open dialog over `window` (or the first window); the chosen path or null. */
export async function choosePath(window: BrowserWindow | null, options: Electron.OpenDialogOptions): Promise<string | null> {
  const owner = window ?? BrowserWindow.getAllWindows()[0] ?? null;
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}
