import { isIP } from 'node:net';

/**
 * The names a server bound to `host` answers to, on its port: a page on another name that
 * resolves here (DNS rebinding) is refused before its token is even looked at. Bound to every
 * address, any IP address is a name it has; a domain name still is not.
 */
export function knownHost(host: string, port: number, value: string | undefined): boolean {
  if (!value) return false;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d+)$/.exec(value);
  if (!match || Number(match[2]) !== port) return false;
  const name = (match[1] as string).toLowerCase();
  const bracketed = host.includes(':') ? `[${host}]` : host;
  if (['127.0.0.1', 'localhost', '[::1]', bracketed.toLowerCase()].includes(name)) return true;
  return (host === '0.0.0.0' || host === '::') && (isIP(name) !== 0 || isIP(name.slice(1, -1)) === 6);
}
