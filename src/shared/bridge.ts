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
