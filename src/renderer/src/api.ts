import { workbenchMethods, type ClientMessage, type ServerMessage, type WorkbenchApi, type WorkbenchMethod } from '../../shared/api';
import type { DesktopBridge } from '../../shared/bridge';
import type { WorkbenchEvent } from '../../shared/model';

declare global {
  interface Window {
    crashwb?: DesktopBridge;
  }
}

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

export const desktop: DesktopBridge | null = window.crashwb ?? null;

export const api: WorkbenchApi = desktop
  ? buildApi(
      (method, params) => desktop.call(method, params),
      (l) => desktop.onEvent(l),
    )
  : webSocketApi();

/** Browser mode: sends a dropped file's bytes to the server, which keeps them and returns a path. */
export async function uploadFile(file: File): Promise<string> {
  const response = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, { method: 'PUT', body: file });
  if (!response.ok) throw new Error(`upload of ${file.name} failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { path: string }).path;
}
