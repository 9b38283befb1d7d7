import { z } from 'zod';
import type { WorkbenchEvent } from './model';
import { consolesCalls, type ConsolesApi } from './services/consoles';
import { crashesCalls, type CrashesApi } from './services/crashes';
import { groupsCalls, type GroupsApi } from './services/groups';
import { importsCalls, type ImportsApi } from './services/imports';
import { reportsCalls, type ReportsApi } from './services/reports';
import { settingsCalls, type SettingsApi } from './services/settings';
import { sourcesCalls, type SourcesApi } from './services/sources';
import { symbolsCalls, type SymbolsApi } from './services/symbols';
import { triageCalls, type TriageApi } from './services/triage';

export { SESSION_METHODS, MAX_MEMORY_READ } from './services/consoles';
export { exportRequestSchema } from './services/reports';

/**
 * The workbench's services, each with its calls' schemas beside it in shared/services/. A call
 * crosses a process boundary by its method's name alone; the service it belongs to is read here.
 */
export interface WorkbenchServices {
  settings: SettingsApi;
  crashes: CrashesApi;
  sources: SourcesApi;
  imports: ImportsApi;
  symbols: SymbolsApi;
  groups: GroupsApi;
  triage: TriageApi;
  reports: ReportsApi;
  consoles: ConsolesApi;
}

export type ServiceName = keyof WorkbenchServices;

/** Each service's argument tuples per method: what a process boundary accepts, checked before the call. */
export const SERVICE_CALLS = {
  settings: settingsCalls,
  crashes: crashesCalls,
  sources: sourcesCalls,
  imports: importsCalls,
  symbols: symbolsCalls,
  groups: groupsCalls,
  triage: triageCalls,
  reports: reportsCalls,
  consoles: consolesCalls,
} satisfies { [S in ServiceName]: Record<keyof WorkbenchServices[S], z.ZodTypeAny> };

/**
 * Every call the UI can make, under the names the front doors use. Electron (IPC), the browser
 * host (WebSocket) and the CLI all reach the same services in src/core/services.
 */
export interface WorkbenchApi
  extends SettingsApi, CrashesApi, SourcesApi, ImportsApi, SymbolsApi, GroupsApi, TriageApi, ReportsApi, ConsolesApi {
  onEvent(listener: (event: WorkbenchEvent) => void): () => void;
}

export type WorkbenchMethod = Exclude<keyof WorkbenchApi, 'onEvent'>;

/** Two services answering to one method name would leave one of them unreachable. */
type MethodsOf<S extends ServiceName> = { [T in S]: keyof WorkbenchServices[T] }[S];
type OverlappingMethods = { [S in ServiceName]: MethodsOf<S> & MethodsOf<Exclude<ServiceName, S>> }[ServiceName];
export type NoMethodInTwoServices = Expect<[OverlappingMethods] extends [never] ? true : OverlappingMethods>;

type MethodSchemas = UnionToIntersection<(typeof SERVICE_CALLS)[ServiceName]>;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every method's argument tuples, under the method's name. */
export const methodParams = Object.assign({}, ...Object.values(SERVICE_CALLS)) as MethodSchemas;

const serviceByMethod = new Map<string, ServiceName>(
  (Object.keys(SERVICE_CALLS) as ServiceName[]).flatMap((service) => Object.keys(SERVICE_CALLS[service]).map((m) => [m, service] as const)),
);

/** The service that answers a method. */
export function serviceOf(method: WorkbenchMethod): ServiceName {
  const service = serviceByMethod.get(method);
  if (!service) throw new Error(`no service answers ${method}`);
  return service;
}

export const workbenchMethods = [...serviceByMethod.keys()] as WorkbenchMethod[];

export function isWorkbenchMethod(name: unknown): name is WorkbenchMethod {
  return typeof name === 'string' && serviceByMethod.has(name);
}

/** Validates an untrusted call; throws an Error naming the method and the bad field. */
export function parseCall(method: unknown, params: unknown): { method: WorkbenchMethod; args: unknown[] } {
  if (!isWorkbenchMethod(method)) throw new Error(`unknown method ${JSON.stringify(method)}`);
  const result = methodParams[method].safeParse(params);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new Error(`invalid arguments for ${method}${where}: ${issue?.message ?? 'rejected'}`);
  }
  return { method, args: result.data as unknown[] };
}

/**
 * Whether two types are the same type, field for field: mutual assignability is not enough, as
 * an optional field only one of them has would pass it.
 */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Frames of the browser host's WebSocket protocol. */
export const clientMessageSchema = z
  .object({
    id: z.number().int().nonnegative(),
    method: z.string().max(64),
    params: z.array(z.unknown()).max(8),
  })
  .strict();

export type ClientMessage = z.infer<typeof clientMessageSchema>;

export type ServerMessage =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: string }
  | { kind: 'event'; event: WorkbenchEvent };

/**
 * A method's parameters as the argument lists it accepts: `(a: A, b?: B)` is `[A] | [A, B]`,
 * as its schema, a union of tuples, writes them.
 */
type Calls<P extends unknown[]> = number extends P['length']
  ? P
  : P extends [infer Head, ...infer Rest]
    ? [Head, ...Calls<Rest>]
    : P extends []
      ? []
      : P extends [(infer Head)?, ...infer Rest]
        ? [] | [Exclude<Head, undefined>, ...Calls<Rest>]
        : never;

/**
 * Every method's schema and its parameters in WorkbenchApi, checked against each other: a field,
 * a parameter or an option that one has and the other lacks fails to compile, naming the method.
 */
export type MethodAgreement = { [M in WorkbenchMethod]: Same<z.infer<(typeof methodParams)[M]>, Calls<Parameters<WorkbenchApi[M]>>> };
type Disagreeing = { [M in WorkbenchMethod]: MethodAgreement[M] extends true ? never : M }[WorkbenchMethod];
type Expect<T extends true> = T;
export type EveryMethodAgrees = Expect<[Disagreeing] extends [never] ? true : Disagreeing>;
