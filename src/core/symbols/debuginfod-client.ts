import { open, rm } from 'node:fs/promises';
import { inspectElfFile } from '../elf/elf-file';
import { MAX_SOURCE_BYTES } from '../../shared/reporter-protocol';
import type { ArtifactKind, SymbolCache } from './symbol-cache';

/** A server that speaks debuginfod's protocol: GET /buildid/<id>/executable|debuginfo|source/<path>. */
export interface SymbolServer {
  url: string;
  /** Sent as `Authorization: Bearer …` (the reporter's symbol store wants one; debuginfod ignores it). */
  token: string | null;
}

/** The servers DEBUGINFOD_URLS names (space-separated, as elfutils reads it). */
export function serversFromEnvironment(env: NodeJS.ProcessEnv = process.env): SymbolServer[] {
  return (env.DEBUGINFOD_URLS ?? '')
    .split(/\s+/)
    .filter((u) => /^https?:\/\//.test(u))
    .map((url) => ({ url, token: null }));
}

/** What a failed look-up says about its server, for the warning that names it. */
export class ServerFailure extends Error {
  constructor(
    readonly server: string,
    readonly reason: 'timeout' | 'deadline' | 'unreachable' | 'refused' | 'bad-file',
    message: string,
  ) {
    super(message);
  }
}

export interface FetchLimits {
  /** For the answer to start, and for each pause in its body. */
  requestTimeoutMs: number;
  /** Aborts everything at the look-up's deadline. */
  signal: AbortSignal;
  maxBytes: number;
}

function urlOf(server: SymbolServer, path: string): string {
  return `${server.url.replace(/\/+$/, '')}${path}`;
}

/** `/source/<path>` keeps the path's slashes and escapes each part, as debuginfod-find does. */
export function sourceUrlPath(buildId: string, file: string): string {
  return `/buildid/${buildId}/source${file
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/')}`;
}

const MAX_REDIRECTS = 5;

/** Hosts a symbol server may redirect to besides its own: CRASHWB_SYMBOL_REDIRECT_HOSTS, space-separated. */
export function redirectHosts(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.CRASHWB_SYMBOL_REDIRECT_HOSTS ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((h) => h.toLowerCase());
}

/**
 * A GET that follows a server's redirects only to its own host (http to https there included) or
 * to a host the user listed: a symbol server, or whoever answers in its name, must not send the
 * workbench to an address of the user's network. The token goes to the server's own host only.
 */
async function fetchFollowing(server: SymbolServer, url: string, signal: AbortSignal): Promise<Response> {
  const home = new URL(url);
  let current = home;
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, {
      signal,
      headers: server.token && current.host === home.host ? { authorization: `Bearer ${server.token}` } : {},
      redirect: 'manual',
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    const next = new URL(location, current);
    const listed = redirectHosts().includes(next.hostname.toLowerCase());
    if (!/^https?:$/.test(next.protocol) || (next.hostname !== home.hostname && !listed)) {
      throw new ServerFailure(
        server.url,
        'refused',
        `${server.url} redirected to ${next.origin}, another host; not followed (list it in CRASHWB_SYMBOL_REDIRECT_HOSTS to allow it)`,
      );
    }
    if (hop >= MAX_REDIRECTS)
      throw new ServerFailure(server.url, 'unreachable', `${server.url} redirected more than ${MAX_REDIRECTS} times`);
    current = next;
  }
}

/**
 * Downloads one file to `dest`. Returns false when the server does not have it (404). Throws a
 * ServerFailure when the server is slow, unreachable, refuses the token or sends a short file.
 */
export async function download(server: SymbolServer, path: string, dest: string, limits: FetchLimits): Promise<boolean> {
  const request = new AbortController();
  let timer = setTimeout(() => request.abort(), limits.requestTimeoutMs);
  const restart = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => request.abort(), limits.requestTimeoutMs);
  };
  const signal = AbortSignal.any([request.signal, limits.signal]);
  const fail = (error: unknown): never => {
    if (error instanceof ServerFailure) throw error;
    // The look-up's deadline is not this server's fault; its own silence is.
    if (limits.signal.aborted) throw new ServerFailure(server.url, 'deadline', `the look-up ran out of time asking ${server.url}`);
    if (signal.aborted) {
      throw new ServerFailure(server.url, 'timeout', `${server.url} did not answer within ${Math.round(limits.requestTimeoutMs / 1000)} s`);
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ServerFailure(
      server.url,
      'unreachable',
      `${server.url} cannot be reached: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    );
  };
  try {
    const response = await fetchFollowing(server, urlOf(server, path), signal).catch(fail);
    if (response.status === 404) {
      await response.body?.cancel();
      return false;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new ServerFailure(
        server.url,
        'refused',
        `${server.url} refused the request (${response.status}): check the symbol server's token`,
      );
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ServerFailure(server.url, 'unreachable', `${server.url} answered ${response.status} for ${path}`);
    }
    const expected = Number(response.headers.get('content-length') ?? NaN);
    if (expected > limits.maxBytes) {
      await response.body.cancel();
      throw new ServerFailure(
        server.url,
        'bad-file',
        `${server.url} offers ${expected} bytes for ${path}, more than the symbol cache holds`,
      );
    }
    const file = await open(dest, 'w');
    let received = 0;
    try {
      const reader = response.body.getReader();
      for (;;) {
        restart();
        const { done, value } = await reader.read().catch(fail);
        if (done) break;
        received += value.length;
        if (received > limits.maxBytes) {
          await reader.cancel();
          throw new ServerFailure(server.url, 'bad-file', `${server.url} sent more than ${limits.maxBytes} bytes for ${path}`);
        }
        await file.write(value);
      }
    } finally {
      await file.close();
    }
    if (Number.isFinite(expected) && received !== expected) {
      throw new ServerFailure(
        server.url,
        'bad-file',
        `${server.url} sent ${received} of ${expected} bytes for ${path}: the file is cut short`,
      );
    }
    return true;
  } catch (error) {
    await rm(dest, { force: true });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetches an executable or debug file by build-id into the cache, and keeps it only when it is
 * an ELF file with that very build-id (and, for debug info, with debug info in it).
 */
export async function fetchArtifact(
  server: SymbolServer,
  buildId: string,
  kind: ArtifactKind,
  cache: SymbolCache,
  limits: FetchLimits,
): Promise<string | null> {
  const temporary = await cache.temporaryPath();
  const path = `/buildid/${buildId}/${kind}`;
  if (!(await download(server, path, temporary, { ...limits, maxBytes: Math.min(limits.maxBytes, cache.limitBytes) }))) return null;
  try {
    const facts = await inspectElfFile(temporary).catch((error: Error) => {
      throw new ServerFailure(server.url, 'bad-file', `${server.url} sent a file for ${path} that is not ELF: ${error.message}`);
    });
    if (facts.buildId !== buildId) {
      throw new ServerFailure(
        server.url,
        'bad-file',
        `${server.url} sent a file for ${path} whose build-id is ${facts.buildId ?? 'missing'}; it was not used`,
      );
    }
    if (kind === 'debuginfo' && !facts.hasDebugInfo) {
      throw new ServerFailure(
        server.url,
        'bad-file',
        `${server.url} sent a debug file for ${buildId} with no debug info in it; it was not used`,
      );
    }
    return await cache.store(temporary, cache.pathOf(buildId, kind), server.url);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Fetches a source file of a build (`/buildid/<id>/source/<path>`) into the cache; null when the server lacks it. */
export async function fetchSource(
  server: SymbolServer,
  buildId: string,
  file: string,
  cache: SymbolCache,
  limits: Omit<FetchLimits, 'maxBytes'>,
): Promise<string | null> {
  const target = cache.sourcePathOf(buildId, file);
  if (!target) return null;
  const temporary = await cache.temporaryPath();
  if (!(await download(server, sourceUrlPath(buildId, file), temporary, { ...limits, maxBytes: MAX_SOURCE_BYTES }))) return null;
  return cache.store(temporary, target, server.url);
}
