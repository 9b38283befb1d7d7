import { resolve } from 'node:path';
import type { SymbolSearchRequest } from '../shared/model';
import { UsageError } from './usage-error';

/** Where a crash's files may be: every command that analyses takes these. */
export const SYMBOL_OPTIONS = {
  'debug-dir': { type: 'string', multiple: true },
  'solib-dir': { type: 'string', multiple: true },
  sysroot: { type: 'string' },
  'symbol-server': { type: 'string', multiple: true },
  'symbol-token': { type: 'string' },
} as const;

export interface SymbolValues {
  'debug-dir'?: string[];
  'solib-dir'?: string[];
  sysroot?: string;
  'symbol-server'?: string[];
  'symbol-token'?: string;
}

const SERVER_URL = /^https?:\/\/[^\s/?#@]+(?:\/[^\s?#]*)?$/;

/** The search request and the tokens the options give (a token goes with every --symbol-server). */
export function symbolSearchOf(values: SymbolValues): { request: SymbolSearchRequest; tokens: Record<string, string> } {
  const servers = (values['symbol-server'] ?? []).map((url) => {
    if (!SERVER_URL.test(url)) {
      throw new UsageError(
        `--symbol-server takes http(s)://HOST[:PORT][/PATH] without user or token (give it with --symbol-token), not ${url}`,
      );
    }
    return url.replace(/\/+$/, '');
  });
  if (values['symbol-token'] !== undefined && servers.length === 0) {
    throw new UsageError('--symbol-token goes with --symbol-server URL: name the server it is for');
  }
  const tokens: Record<string, string> = {};
  if (values['symbol-token']) for (const url of servers) tokens[url] = values['symbol-token'];
  return {
    request: {
      debugDirs: (values['debug-dir'] ?? []).map((d) => resolve(d)),
      solibDirs: (values['solib-dir'] ?? []).map((d) => resolve(d)),
      ...(values.sysroot ? { sysroot: resolve(values.sysroot) } : {}),
      symbolServers: servers,
    },
    tokens,
  };
}
