import { z } from 'zod';
import { DEBUGGERS } from '../model';

/** The argument fields more than one service's calls accept, written once. */

export const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'must be an absolute path')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');

export const debuggerKind = z.enum(DEBUGGERS);

export const groupId = z.number().int().positive();
export const crashId = z.string().regex(/^[0-9a-f]{16,64}$/, 'crash id is a hex digest');

/** A symbol server's address: http(s) only, without credentials (tokens are kept apart). */
export const symbolServerUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/?#@]+(?:\/[^\s?#]*)?$/, 'http(s)://HOST[:PORT][/PATH], without user or token');

/** A token for a reporter or a symbol server, as it goes into an Authorization header. */
export const serviceToken = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[\x21-\x7e]+$/, 'printable characters without spaces');

/** ReanalyzeRequest, AnalysisOptions, BatchOptions: each a step of the one before. */
export const symbolSearchShape = {
  debugDirs: z.array(absolutePath).max(64).optional(),
  solibDirs: z.array(absolutePath).max(64).optional(),
  sysroot: absolutePath.optional(),
  symbolServers: z.array(symbolServerUrl).max(16).optional(),
};
export const reanalyzeShape = { ...symbolSearchShape, debugger: debuggerKind.optional() };
export const analysisShape = { ...reanalyzeShape, executable: absolutePath.optional() };
export const batchShape = { ...analysisShape, attributes: z.record(z.string().max(256), z.string().max(4096)).optional() };
