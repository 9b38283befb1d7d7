import { compileRules } from '../core/fingerprint/rules/ruleset';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { PROJECT_NAME } from '../shared/reporter-protocol';
import type { CrashStorage } from './crash-storage';
import { LocalStorage } from './local-storage';
import { S3Storage } from './s3-storage';
import type { ProjectConfig } from './auth';
import type { ReporterOptions } from './server';

const limits = {
  maxMb: z.number().positive().optional(),
  ratePerMinute: z.number().int().positive().optional(),
};

const configSchema = z
  .object({
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().min(1).optional(),
    storage: z.discriminatedUnion('type', [
      z.object({ type: z.literal('local'), dir: z.string().min(1) }).strict(),
      z
        .object({
          type: z.literal('s3'),
          bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
          prefix: z.string().default(''),
          endpoint: z.string().url().optional(),
          region: z.string().optional(),
          pathStyle: z.boolean().optional(),
        })
        .strict(),
    ]),
    ...limits,
    projects: z
      .array(
        z
          .object({
            name: z.string().regex(PROJECT_NAME, 'lower-case letters, digits and dashes'),
            tokens: z.array(z.string().min(16, 'a token of at least 16 characters')).default([]),
            /** Names of environment variables that hold tokens, to keep them out of the file. */
            tokenEnv: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).default([]),
            /** May replace shared symbols another project sent first (upload with ?replace=1). */
            symbolAdmin: z.boolean().optional(),
            /** The project's grouping rules (a file beside the config, as the workbench writes them): snapshots are grouped by them. */
            rulesFile: z.string().min(1).optional(),
            ...limits,
          })
          .strict(),
      )
      .min(1, 'at least one project'),
  })
  .strict();

export type ReporterConfig = z.infer<typeof configSchema>;

/**
 * Reads a reporter's config file: its storage (a local directory or an S3 bucket and prefix) and
 * its projects with their tokens and limits. Errors name the file and the field.
 */
export async function loadReporterConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Omit<ReporterOptions, 'port' | 'log'> & { port?: number }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the reporter config ${file}: ${(error as Error).message}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`);
  }
  const config = parsed.data;
  const projects: ProjectConfig[] = config.projects.map((p) => {
    const fromEnv = p.tokenEnv.map((name) => {
      const value = env[name];
      if (!value) throw new Error(`${file}: project ${p.name}: the environment variable ${name} holds no token`);
      return value;
    });
    const tokens = [...p.tokens, ...fromEnv];
    if (tokens.length === 0) throw new Error(`${file}: project ${p.name} has no token (tokens or tokenEnv)`);
    return { name: p.name, tokens, maxBytes: mb(p.maxMb), ratePerMinute: p.ratePerMinute, symbolAdmin: p.symbolAdmin };
  });
  for (const [i, p] of config.projects.entries()) {
    if (!p.rulesFile) continue;
    const path = resolve(dirname(file), p.rulesFile);
    const text = await readFile(path, 'utf8').catch((error: Error) => {
      throw new Error(`${file}: project ${p.name}: cannot read its rules file ${path}: ${error.message}`);
    });
    try {
      (projects[i] as ProjectConfig).rules = compileRules(text, path);
    } catch (error) {
      throw new Error(`${file}: project ${p.name}: ${(error as Error).message}`);
    }
  }
  const names = projects.map((p) => p.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new Error(`${file}: project ${twice} is listed twice`);
  let storage: CrashStorage;
  if (config.storage.type === 'local') storage = new LocalStorage(resolve(dirname(file), config.storage.dir));
  else {
    const { bucket, prefix, endpoint, region, pathStyle } = config.storage;
    storage = new S3Storage({ bucket, prefix, endpoint, region, pathStyle });
  }
  return {
    port: config.port,
    host: config.host,
    storage,
    projects,
    maxBytes: mb(config.maxMb),
    ratePerMinute: config.ratePerMinute,
  };
}

const mb = (value: number | undefined): number | undefined => (value === undefined ? undefined : Math.round(value * 1024 * 1024));
