import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { WorkbenchEvent } from '../shared/model';
import { IPC, type DesktopBridge } from '../shared/bridge';

/** The only thing the page can reach: calls into the workbench and a few native dialogs. */
const bridge: DesktopBridge = {
  call: (method, params) => ipcRenderer.invoke(IPC.call, method, params),
  onEvent: (listener) => {
    const handler = (_: unknown, event: WorkbenchEvent): void => listener(event);
    ipcRenderer.on(IPC.event, handler);
    return () => ipcRenderer.removeListener(IPC.event, handler);
  },
  onOpenPath: (listener) => {
    const handler = (_: unknown, path: string): void => listener(path);
    ipcRenderer.on(IPC.openPath, handler);
    return () => ipcRenderer.removeListener(IPC.openPath, handler);
  },
  pickCoreFile: () => ipcRenderer.invoke(IPC.pickCoreFile),
  pickFolder: () => ipcRenderer.invoke(IPC.pickFolder),
  saveReport: (request) => ipcRenderer.invoke(IPC.saveReport, request),
  pathForFile: (file) => webUtils.getPathForFile(file) || null,
};

contextBridge.exposeInMainWorld('crashwb', bridge);
