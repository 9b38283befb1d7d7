import { BrowserWindow, app, shell } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Workbench } from '../core/workbench';
import { defaultDatabasePath } from '../core/paths';
import { bindWorkbench } from './ipc';
import { buildMenu } from './menu';
import { SafeStorageSecrets } from './safe-storage-secrets';
import { electronPdf } from './electron-pdf';

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(__dirname, '../renderer/index.html');
const rendererDir = pathToFileURL(join(__dirname, '../renderer/')).href;

function isOurPage(url: string): boolean {
  return rendererUrl ? url.startsWith(rendererUrl) : url.startsWith(rendererDir);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Crash Workbench',
    // The window and taskbar icon, from the repository's resources/ (out/main is two levels below it).
    icon: join(__dirname, '../../resources/icon.png'),
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // Links open in the user's browser; the app window never navigates away from the app.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOurPage(url)) event.preventDefault();
  });
  if (rendererUrl) void window.loadURL(rendererUrl);
  else void window.loadFile(rendererFile);
  return window;
}

void app.whenReady().then(async () => {
  const workbench = new Workbench({
    databasePath: defaultDatabasePath(app.getPath('userData')),
    homeDirectory: app.getPath('home'),
    secrets: new SafeStorageSecrets(join(app.getPath('userData'), 'secrets.json')),
    watchFolders: true,
    pdf: electronPdf,
    keepDebugger: true,
  });
  bindWorkbench(workbench, isOurPage);
  const refreshMenu = async (): Promise<void> => buildMenu(await workbench.listRecent());
  workbench.onEvent((event) => {
    if (event.type === 'progress' && event.stage === 'done') void refreshMenu();
  });
  await refreshMenu();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('will-quit', () => workbench.close());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
