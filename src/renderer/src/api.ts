import { workbenchMethods, type ClientMessage, type ServerMessage, type WorkbenchApi, type WorkbenchMethod } from '../../shared/api';
import type { WorkbenchEvent } from '../../shared/model';
import type { DesktopBridge } from '../../shared/bridge';
import { desktop } from './desktop';

type Caller = (method: WorkbenchMethod, params: unknown[]) => Promise<unknown>;

function buildApi(call: Caller, subscribe: (listener: (e: WorkbenchEvent) => void) => () => void): WorkbenchApi {
  const api = { onEvent: subscribe } as Partial<Record<keyof WorkbenchApi, unknown>>;
  for (const method of workbenchMethods) api[method] = (...params: unknown[]) => call(method, params);
  return api as WorkbenchApi;
}

/** The browser host's client: one WebSocket, calls matched to answers by id, reconnecting. */
function webSocketApi(): WorkbenchApi {
  const listeners = new Set<(e: WorkbenchEvent) => void>();
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let socket: Promise<WebSocket> | null = null;

  const connect = (): Promise<WebSocket> => {
    if (socket) return socket;
    socket = new Promise((resolve, reject) => {
      const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error('cannot reach the workbench server; is `crashwb serve` still running?'));
      ws.onclose = () => {
        socket = null;
        for (const w of waiting.values()) w.reject(new Error('the connection to the workbench server closed'));
        waiting.clear();
      };
      ws.onmessage = (message) => {
        const data = JSON.parse(String(message.data)) as ServerMessage;
        if (data.kind === 'event') for (const l of listeners) l(data.event);
        else {
          const entry = waiting.get(data.id);
          waiting.delete(data.id);
          if (data.ok) entry?.resolve(data.value);
          else entry?.reject(new Error(data.error));
        }
      };
    });
    return socket;
  };

  const call: Caller = async (method, params) => {
    const ws = await connect();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      const message: ClientMessage = { id, method, params };
      ws.send(JSON.stringify(message));
    });
  };
  void connect().catch(() => undefined);
  return buildApi(call, (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  });
}

/**
 * The workbench's calls, through the desktop bridge (Electron's IPC) or the browser host's WebSocket.
 * Only the stores import this: the components reach the workbench through them.
 */
export const api: WorkbenchApi = desktop ? bridgeApi(desktop) : webSocketApi();

function bridgeApi(bridge: DesktopBridge): WorkbenchApi {
  return buildApi(
    (method, params) => bridge.call(method, params),
    (l) => bridge.onEvent(l),
  );
}
