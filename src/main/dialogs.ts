import { BrowserWindow, dialog } from 'electron';

export const CORE_DIALOG = { title: 'Open a core dump', properties: ['openFile' as const] };
export const SOURCE_FOLDER_DIALOG = { title: 'Choose the folder that holds the sources', properties: ['openDirectory' as const] };

/** A native open dialog over `window` (or the first window); the chosen path or null. */
export async function choosePath(window: BrowserWindow | null, options: Electron.OpenDialogOptions): Promise<string | null> {
  const owner = window ?? BrowserWindow.getAllWindows()[0] ?? null;
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** A native save dialog for a report, offering its own file name; the chosen path or null. */
export async function chooseSavePath(window: BrowserWindow | null, fileName: string): Promise<string | null> {
  const owner = window ?? BrowserWindow.getAllWindows()[0] ?? null;
  const options: Electron.SaveDialogOptions = { title: 'Save the report', defaultPath: fileName };
  const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  return result.canceled ? null : (result.filePath ?? null);
}
