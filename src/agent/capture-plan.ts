import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { HostAnalysisOptions } from './host-analysis';
import { DEBUGGERS } from '../shared/model';

/**
 * What the capture side does with each crash, beyond spooling its core: analyse it on the host
 * first (a snapshot), send the core by policy, send the libraries the reporter lacks, and pick the
 * project by the crashed executable.
 */
export type CorePolicy = { kind: 'always' } | { kind: 'unseen' } | { kind: 'never' } | { kind: 'max'; bytes: number };

export function parseCorePolicy(text: string): CorePolicy {
  if (text === 'always' || text === 'unseen' || text === 'never') return { kind: text };
  const max = /^max:(\d+)$/.exec(text);
  if (max?.[1]) return { kind: 'max', bytes: Number(max[1]) * 1024 * 1024 };
  throw new Error(`the core policy is always, unseen, never or max:MB (send cores up to MB), not ${JSON.stringify(text)}`);
}

/** Whether the core follows its snapshot. Without a snapshot (none made, or it failed) the core always goes. */
export function coreGoes(policy: CorePolicy, size: number, snapshotSent: boolean, wantsCore: boolean): boolean {
  if (!snapshotSent) return true;
  switch (policy.kind) {
    case 'always':
      return true;
    case 'never':
      return false;
    case 'unseen':
      return wantsCore;
    case 'max':
      return size <= policy.bytes;
  }
}

/** What is decided for one crash when it is spooled, kept beside it (never sent). */
export interface CapturePlan {
  core: CorePolicy;
  uploadLibraries: boolean;
  /** Index into the configuration's routes, or null for the default token. */
  route: number | null;
  snapshotSha256?: string;
  /** Set once the snapshot is at the reporter. */
  wantsCore?: boolean;
  librariesSent?: boolean;
}

const route = z
  .object({ executable: z.string().min(1), token: z.string().min(1).optional(), tokenFile: z.string().min(1).optional() })
  .strict()
  .refine((r) => Boolean(r.token) !== Boolean(r.tokenFile), 'give token or tokenFile');

const configSchema = z
  .object({
    server: z
      .string()
      .regex(/^https?:\/\/\S+$/, 'an http(s) URL')
      .optional(),
    token: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    spool: z.string().min(1).optional(),
    snapshot: z
      .union([
        z.boolean(),
        z
          .object({
            debugger: z.enum(DEBUGGERS).optional(),
            timeoutS: z.number().positive().max(3600).optional(),
            memoryMb: z.number().int().min(512).max(1_048_576).optional(),
            debugDirs: z.array(z.string()).max(64).optional(),
            solibDirs: z.array(z.string()).max(64).optional(),
          })
          .strict(),
      ])
      .optional(),
    core: z.string().optional(),
    uploadLibraries: z.boolean().optional(),
    routes: z.array(route).max(256).optional(),
  })
  .strict();

export type CaptureConfig = z.infer<typeof configSchema>;

/** The capture configuration (`--config FILE`); errors name the file and the field. */
export async function readCaptureConfig(file: string): Promise<CaptureConfig> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the capture configuration ${file}: ${(error as Error).message}`);
  }
  const parsed = configSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') || 'top level'}: ${issue?.message}`);
  }
  if (parsed.data.core !== undefined) {
    try {
      parseCorePolicy(parsed.data.core);
    } catch (error) {
      throw new Error(`${file}: core: ${(error as Error).message}`);
    }
  }
  return parsed.data;
}

export const DEFAULT_SNAPSHOT: Omit<HostAnalysisOptions, 'cli'> = {
  debugger: 'gdb',
  timeoutMs: 120_000,
  memoryMb: 4096,
  debugDirs: [],
  solibDirs: [],
};

/** The snapshot settings a configuration asks for, or null for none. */
export function snapshotOptions(config: CaptureConfig, forced: boolean): Omit<HostAnalysisOptions, 'cli'> | null {
  const s = config.snapshot;
  if (!s && !forced) return null;
  if (typeof s !== 'object') return DEFAULT_SNAPSHOT;
  return {
    debugger: s.debugger ?? DEFAULT_SNAPSHOT.debugger,
    timeoutMs: (s.timeoutS ?? DEFAULT_SNAPSHOT.timeoutMs / 1000) * 1000,
    memoryMb: s.memoryMb ?? DEFAULT_SNAPSHOT.memoryMb,
    debugDirs: s.debugDirs ?? [],
    solibDirs: s.solibDirs ?? [],
  };
}

/** A glob over paths: `*` and `?` stay within a folder, `**` crosses folders. */
export function globMatches(glob: string, path: string): boolean {
  const pattern = glob
    .split('**')
    .map((part) =>
      part
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]'),
    )
    .join('.*');
  return new RegExp(`^${pattern}$`).test(path);
}

/** The first route whose pattern the executable matches (coresnap's way of sending crashes to projects). */
export function routeFor(config: CaptureConfig, executable: string): number | null {
  const i = (config.routes ?? []).findIndex((r) => globMatches(r.executable, executable));
  return i === -1 ? null : i;
}

/** The token for a route: its own, from the file it names. */
export async function routeToken(config: CaptureConfig, index: number | null, fallback: string): Promise<string> {
  const r = index === null ? undefined : config.routes?.[index];
  if (!r) return fallback;
  if (r.token) return r.token;
  const token = (await readFile(r.tokenFile ?? '', 'utf8')).trim();
  if (!token) throw new Error(`the token file ${r.tokenFile} of the route for ${r.executable} is empty`);
  return token;
}
