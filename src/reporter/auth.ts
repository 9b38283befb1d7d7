import type { IncomingMessage } from 'node:http';
import type { Ruleset } from '../core/fingerprint/rules/ruleset';
import { HttpError } from './http-error';

/** A project: its own crashes, the tokens that may send and read them, and its limits. */
export interface ProjectConfig {
  name: string;
  tokens: string[];
  /** Largest core accepted, in bytes. */
  maxBytes?: number;
  /** Requests per token per minute. */
  ratePerMinute?: number;
  /** May replace the shared copy of a build-id another project sent first (`?replace=1`). */
  symbolAdmin?: boolean;
  /** The project's grouping rules, by which its snapshots are grouped; the built-in ones when absent. */
  rules?: Ruleset;
}

/** Who a request is: its project, and that project's limits. */
export interface Caller {
  project: string;
  maxBytes: number;
  symbolAdmin: boolean;
  rules?: Ruleset;
}

/** A token bucket per token: a burst of a minute's worth, refilled continuously. */
function rateLimiter(perMinute: number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (token: string): boolean => {
    const now = Date.now();
    const bucket = buckets.get(token) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * perMinute);
    bucket.at = now;
    buckets.set(token, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
}

/**
 * The projects' tokens, each with its rate limit: a request's token, from its Authorization
 * header or `?token=` (as minimal uploaders send it), names its project.
 */
export function authenticator(
  projects: ProjectConfig[],
  defaults: { maxBytes?: number; ratePerMinute?: number },
): (req: IncomingMessage, url: URL) => Caller {
  const byToken = new Map<string, { project: ProjectConfig; allow: (token: string) => boolean }>();
  for (const project of projects) {
    const allow = rateLimiter(project.ratePerMinute ?? defaults.ratePerMinute ?? 6_000);
    for (const token of project.tokens) {
      if (byToken.has(token)) throw new Error(`a token is given to two projects (${byToken.get(token)?.project.name} and ${project.name})`);
      byToken.set(token, { project, allow });
    }
  }
  return (req, url) => {
    // The scheme's name is case-insensitive (RFC 9110): `bearer` is as good as `Bearer`.
    const bearer = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const token = bearer?.[1] ?? url.searchParams.get('token');
    if (!token) throw new HttpError(401, 'no token: send Authorization: Bearer TOKEN, or ?token=TOKEN');
    const entry = byToken.get(token);
    if (!entry) throw new HttpError(403, 'this token is not valid for any project');
    if (!entry.allow(token)) throw new HttpError(429, 'too many requests for this token; retry later');
    return {
      project: entry.project.name,
      maxBytes: entry.project.maxBytes ?? defaults.maxBytes ?? 8 * 1024 ** 3,
      symbolAdmin: entry.project.symbolAdmin === true,
      ...(entry.project.rules ? { rules: entry.project.rules } : {}),
    };
  };
}
