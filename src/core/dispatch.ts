import { parseCall, type WorkbenchMethod } from '../shared/api';
import type { Workbench } from './workbench';

/**
 * Makes a call that crossed a process boundary (Electron's IPC, the browser host's WebSocket):
 * validated against its schema, checked by the door's own rule when it has one, then made.
 */
export async function dispatch(
  workbench: Workbench,
  method: unknown,
  params: unknown,
  allow?: (call: { method: WorkbenchMethod; args: unknown[] }) => void,
): Promise<{ method: WorkbenchMethod; value: unknown }> {
  const call = parseCall(method, params);
  allow?.(call);
  const fn = workbench[call.method] as (...args: unknown[]) => Promise<unknown>;
  return { method: call.method, value: await fn.apply(workbench, call.args) };
}
