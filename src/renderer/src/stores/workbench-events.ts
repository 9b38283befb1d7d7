import type { WorkbenchEvent } from '../../../shared/model';
import { api } from '../api';

/** The workbench's events (analysis and import progress, console output), which the app hands to the stores. */
export function onWorkbenchEvent(listener: (event: WorkbenchEvent) => void): () => void {
  return api.onEvent(listener);
}
