import type { WebSocket } from 'ws';
import { clientMessageSchema, SESSION_METHODS, type ServerMessage } from '../shared/api';
import type { ConsoleInfo } from '../shared/model';
import { dispatch } from '../core/dispatch';
import type { Workbench } from '../core/workbench';

/**
 * One page's WebSocket: its calls checked and made through dispatch(), the workbench's events
 * sent back. A console belongs to the page that opened it: only that page sees its output, and
 * its debugger stops when the page goes away.
 */
export function attachPage(ws: WebSocket, workbench: Workbench, log: (line: string) => void): void {
  const send = (message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  // A console belongs to the page that opened it: only that page sees its output, and its
  // debugger stops when the page goes away.
  const consoles = new Set<string>();
  const unsubscribe = workbench.onEvent((event) => {
    if ('sessionId' in event && !consoles.has(event.sessionId)) return;
    if (event.type === 'console-closed') consoles.delete(event.sessionId);
    send({ kind: 'event', event });
  });
  // Oversized frames (1009) and invalid UTF-8 (1007) arrive here; ws then closes this socket,
  // and only this one: an 'error' without a listener would end the whole server.
  ws.on('error', (error) => log(`crashwb serve: a page's connection failed and was closed: ${error.message}`));
  ws.on('close', () => {
    unsubscribe();
    for (const id of consoles) void workbench.closeConsole(id);
  });
  ws.on('message', (data) => {
    let id = 0;
    void (async () => {
      const parsed = clientMessageSchema.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) throw new Error('malformed message: expected {id, method, params}');
      id = parsed.data.id;
      const { method, value } = await dispatch(workbench, parsed.data.method, parsed.data.params, (call) => {
        if (SESSION_METHODS.has(call.method) && !consoles.has(call.args[0] as string)) {
          throw new Error('that console was not opened by this page');
        }
      });
      if (method === 'openConsole') {
        const { sessionId } = value as ConsoleInfo;
        // A page that went away while its console was starting has no one to close it but us.
        if (ws.readyState !== ws.OPEN) {
          await workbench.closeConsole(sessionId);
          return;
        }
        consoles.add(sessionId);
      }
      send({ kind: 'result', id, ok: true, value });
    })().catch((error: unknown) => send({ kind: 'result', id, ok: false, error: error instanceof Error ? error.message : String(error) }));
  });
}
