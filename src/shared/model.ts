/**
 * The domain model every side agrees on, by domain. Pure data: it crosses IPC, WebSocket and
 * JSON output unchanged, so it holds only JSON-safe values (addresses are "0x…" strings, never
 * bigint). Each domain's file imports only the ones before it: crash ← group ← source, report.
 */

import type { ConsoleEvent, ProgressEvent } from './crash-model';
import type { ImportProgressEvent } from './source-model';

export * from './crash-model';
export * from './group-model';
export * from './source-model';
export * from './report-model';

/** Everything the engine tells the UI of its own accord. */
export type WorkbenchEvent = ProgressEvent | ImportProgressEvent | ConsoleEvent;
