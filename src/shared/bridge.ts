import type { WorkbenchMethod } from './api';
import type { ExportRequest, WorkbenchEvent } from './model';

/** What the Electron preload exposes on window.crashwb. The browser host has no such bridge. */
export interface DesktopBridge {
  call(method: WorkbenchMethod, params: unknown[]): Promise<unknown>;
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
  /** The File menu's Open and Open Recent hand a path to the page. */
  onOpenPath(listener: (path: string) => void): () => void;
  pickCoreFile(): Promise<string | null>;
  pickFolder(): Promise<string | null>;
  /** Asks where to save, then writes the report there; null when the person cancelled. */
  saveReport(request: ExportRequest): Promise<string | null>;
  /** Path of a file dropped on the window. */
  pathForFile(file: File): string | null;
}

/** The IPC channels between Electron's main process and the preload: one name for each, here. */
export const IPC = {
  call: 'workbench:call',
  event: 'workbench:event',
  openPath: 'host:open-path',
  pickCoreFile: 'host:pick-core-file',
  pickFolder: 'host:pick-folder',
  saveReport: 'host:save-report',
} as const;

/** What each invoked channel takes and answers: the preload and main are typed by this one map. */
export interface IpcInvokes {
  [IPC.call]: { args: [method: WorkbenchMethod, params: unknown[]]; result: unknown };
  [IPC.pickCoreFile]: { args: []; result: string | null };
  [IPC.pickFolder]: { args: []; result: string | null };
  [IPC.saveReport]: { args: [request: ExportRequest]; result: string | null };
}

/** What each channel main sends to the page carries. */
export interface IpcSends {
  [IPC.event]: WorkbenchEvent;
  [IPC.openPath]: string;
}
