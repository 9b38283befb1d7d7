import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { WorkbenchEvent } from '../shared/model';
import type { DesktopBridge } from '../shared/bridge';

/** The only thing the page can reach: calls into the workbench and a few native dialogs. */
const bridge: DesktopBridge = {
  call: (method, params) => ipcRenderer.invoke('workbench:call', method, params),
  onEvent: (listener) => {
    const handler = (_: unknown, event: WorkbenchEvent): void => listener(event);
    ipcRenderer.on('workbench:event', handler);
    return () => ipcRenderer.removeListener('workbench:event', handler);
  },
  onOpenPath: (listener) => {
    const handler = (_: unknown, path: string): void => listener(path);
    ipcRenderer.on('host:open-path', handler);
    return () => ipcRenderer.removeListener('host:open-path', handler);
  },
  pickCoreFile: () => ipcRenderer.invoke('host:pick-core-file'),
  pickFolder: () => ipcRenderer.invoke('host:pick-folder'),
  saveReport: (request) => ipcRenderer.invoke('host:save-report', request),
  pathForFile: (file) => webUtils.getPathForFile(file) || null,
};

contextBridge.exposeInMainWorld('crashwb', bridge);
