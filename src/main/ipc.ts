import { BrowserWindow, ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { writeFile } from 'node:fs/promises';
import { exportRequestSchema } from '../shared/api';
import { IPC, type IpcInvokes, type IpcSends } from '../shared/bridge';
import { dispatch } from '../core/dispatch';
import type { Workbench } from '../core/workbench';
import { CORE_DIALOG, SOURCE_FOLDER_DIALOG, choosePath, chooseSavePath } from './dialogs';

/** Only our own page may call: a frame from anywhere else (a link, an injected iframe) is refused. */
function fromOurPage(event: IpcMainInvokeEvent, allowedOrigin: (url: string) => boolean): void {
  const url = event.senderFrame?.url ?? '';
  if (!allowedOrigin(url)) throw new Error(`IPC refused from ${url || 'an unknown frame'}`);
}

/** Answers an invoked channel; what arrives is unknown until checked, what goes back is typed. */
function handle<C extends keyof IpcInvokes>(
  channel: C,
  answer: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<IpcInvokes[C]['result']>,
): void {
  ipcMain.handle(channel, answer);
}

/** Sends a page what a channel carries. */
export function sendTo<C extends keyof IpcSends>(contents: WebContents, channel: C, value: IpcSends[C]): void {
  contents.send(channel, value);
}

export function bindWorkbench(workbench: Workbench, allowedOrigin: (url: string) => boolean): void {
  handle(IPC.call, async (event, method, params) => {
    fromOurPage(event, allowedOrigin);
    return (await dispatch(workbench, method, params)).value;
  });
  handle(IPC.pickCoreFile, async (event) => {
    fromOurPage(event, allowedOrigin);
    return choosePath(BrowserWindow.fromWebContents(event.sender), CORE_DIALOG);
  });
  handle(IPC.pickFolder, async (event) => {
    fromOurPage(event, allowedOrigin);
    return choosePath(BrowserWindow.fromWebContents(event.sender), SOURCE_FOLDER_DIALOG);
  });
  handle(IPC.saveReport, async (event, request) => {
    fromOurPage(event, allowedOrigin);
    const parsed = exportRequestSchema.safeParse(request);
    if (!parsed.success) throw new Error(`invalid export request: ${parsed.error.issues[0]?.message ?? 'rejected'}`);
    const file = await workbench.exportReport(parsed.data);
    const path = await chooseSavePath(BrowserWindow.fromWebContents(event.sender), file.fileName);
    if (path) await writeFile(path, Buffer.from(file.base64, 'base64'));
    return path;
  });
  workbench.onEvent((event) => {
    for (const window of BrowserWindow.getAllWindows()) sendTo(window.webContents, IPC.event, event);
  });
}
