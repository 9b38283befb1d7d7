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
  /** invoke(method, params) → the workbench's answer */
  call: 'workbench:call',
  /** main → page: a WorkbenchEvent */
  event: 'workbench:event',
  /** main → page: a path chosen in the File menu */
  openPath: 'host:open-path',
  /** invoke() → a chosen core file, or null */
  pickCoreFile: 'host:pick-core-file',
  /** invoke() → a chosen folder, or null */
  pickFolder: 'host:pick-folder',
  /** invoke(ExportRequest) → where the report was saved, or null */
  saveReport: 'host:save-report',
} as const;
