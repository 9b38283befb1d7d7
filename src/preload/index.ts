import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC, type DesktopBridge, type IpcInvokes, type IpcSends } from '../shared/bridge';

const invoke = <C extends keyof IpcInvokes>(channel: C, ...args: IpcInvokes[C]['args']): Promise<IpcInvokes[C]['result']> =>
  ipcRenderer.invoke(channel, ...args) as Promise<IpcInvokes[C]['result']>;

const listen = <C extends keyof IpcSends>(channel: C, listener: (value: IpcSends[C]) => void): (() => void) => {
  const handler = (_: unknown, value: IpcSends[C]): void => listener(value);
  ipcRenderer.on(channel, handler);
  return () => ipcRenderer.removeListener(channel, handler);
};

/** The only thing the page can reach: calls into the workbench and a few native dialogs. */
const bridge: DesktopBridge = {
  call: (method, params) => invoke(IPC.call, method, params),
  onEvent: (listener) => listen(IPC.event, listener),
  onOpenPath: (listener) => listen(IPC.openPath, listener),
  pickCoreFile: () => invoke(IPC.pickCoreFile),
  pickFolder: () => invoke(IPC.pickFolder),
  saveReport: (request) => invoke(IPC.saveReport, request),
  pathForFile: (file) => webUtils.getPathForFile(file) || null,
};

contextBridge.exposeInMainWorld('crashwb', bridge);
