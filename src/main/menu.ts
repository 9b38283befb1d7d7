import { BrowserWindow, Menu, app, type MenuItemConstructorOptions } from 'electron';
import { IPC } from '../shared/bridge';
import type { CrashSummary } from '../shared/model';
import { CORE_DIALOG, choosePath } from './dialogs';
import { sendTo } from './ipc';

function openPath(path: string): void {
  const contents = BrowserWindow.getAllWindows()[0]?.webContents;
  if (contents) sendTo(contents, IPC.openPath, path);
}

async function chooseCore(): Promise<void> {
  const path = await choosePath(null, CORE_DIALOG);
  if (path) openPath(path);
}

export function buildMenu(recent: CrashSummary[]): void {
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? recent.map((r) => ({ label: r.source, click: () => openPath(r.source) }))
    : [{ label: 'No recent files', enabled: false }];
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        { label: 'Open Core…', accelerator: 'CmdOrCtrl+O', click: () => void chooseCore() },
        { label: 'Open Recent', submenu: recentItems },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  for (const r of recent) app.addRecentDocument(r.source);
}
