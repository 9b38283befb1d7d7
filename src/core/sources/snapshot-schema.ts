import { z } from 'zod';
import type { CrashAnalysis } from '../../shared/model';
import { DEBUGGERS, FRAME_LANGUAGES, FRAME_TRUSTS, RUNTIMES, SYMBOL_STATUSES, WARNING_KINDS } from '../../shared/model';
import { BUILD_ID, CRASH_ID, MAX_ATTACHMENTS } from '../../shared/reporter-protocol';

/**
 * What a snapshot's analysis may hold. It was made on another machine and came through a
 * reporter, so it is checked like any input from outside: known fields, bounded sizes, and
 * nothing else is kept.
 */
const text = (max = 4096) => z.string().max(max);
const address = z.string().regex(/^0x[0-9a-f]{1,16}$/);
const frame = z.object({
  index: z.number().int().min(0),
  address,
  function: text().nullable(),
  file: text().nullable(),
  line: z.number().int().min(0).nullable(),
  module: text().nullable(),
  inline: z.boolean(),
  trust: z.enum(FRAME_TRUSTS).optional(),
  moduleOffset: address.optional(),
  pastMain: z.boolean().optional(),
  tailCalls: z
    .array(z.object({ function: text(), address, file: text().nullable(), line: z.number().int().min(0).nullable(), certain: z.boolean() }))
    .max(16)
    .optional(),
  language: z.enum(FRAME_LANGUAGES).optional(),
  column: z.number().int().min(0).optional(),
  position: z.literal('definition').optional(),
});
const variable = z.object({ name: text(), type: text().nullable(), value: text(16_384).nullable(), isArgument: z.boolean() });
const thread = z.object({
  id: z.number().int(),
  number: z.number().int(),
  name: text(256).nullable(),
  goroutine: z.number().int().min(0).optional(),
  crashed: z.boolean(),
  frames: z.array(frame).max(1024),
  framesTruncated: z.boolean(),
  registers: z.record(text(32), text(64)),
  locals: z.record(text(8), z.array(variable).max(1024)),
});
const origin = z.object({ kind: text(32), from: text() }).nullable();
const module = z.object({
  path: text(),
  hostPath: text().nullable(),
  buildId: z.string().regex(BUILD_ID).nullable(),
  debugFile: text().nullable(),
  symbols: z.enum(SYMBOL_STATUSES),
  start: address,
  end: address,
  origin: z.object({ file: origin, debug: origin }).optional(),
});
const signal = z.object({
  number: z.number().int().min(0).max(1024),
  name: text(64),
  code: z.number().int(),
  codeName: text(64).nullable(),
  faultAddress: address.nullable(),
  explanation: text(),
});

export const snapshotAnalysisSchema = z.object({
  signal: signal,
  pid: z.number().int().min(0),
  commandLine: text(65_536),
  executable: text().nullable(),
  executableBuildId: z.string().regex(BUILD_ID).nullable(),
  debugger: z.enum(DEBUGGERS),
  crashingThreadId: z.number().int(),
  threads: z.array(thread).max(4096),
  modules: z.array(module).max(4096),
  warnings: z.array(z.object({ kind: text(32), message: text() })).max(256),
  analysisError: text().nullable(),
  // What the host's runtime reader found, and what the capture agent kept beside the core.
  runtime: z
    .object({ runtime: z.enum(RUNTIMES), reader: text(64).nullable(), message: text(16_384).nullable(), missing: text().nullable() })
    .optional(),
  attachments: z
    .array(z.object({ name: text(200), text: text(8 * 1024 * 1024) }))
    .max(MAX_ATTACHMENTS)
    .optional(),
});

const moduleFact = z.object({
  path: text(),
  buildId: z.string().regex(BUILD_ID).nullable(),
  package: text(256).optional(),
  version: text(256).optional(),
});

export const snapshotSchema = z.object({
  format: z.literal('crashwb-snapshot/1'),
  coreSha256: z.string().regex(CRASH_ID),
  coreSize: z.number().int().min(0),
  capturedAt: z.string().datetime(),
  analysis: snapshotAnalysisSchema.nullable(),
  analysisError: text().nullable(),
  modules: z.array(moduleFact).max(4096),
});

export type ValidSnapshot = z.infer<typeof snapshotSchema>;

/** The host's analysis as the workbench keeps crashes (fields it did not send take their defaults). */
export function analysisOf(snapshot: ValidSnapshot, source: string, size: number): CrashAnalysis | null {
  const a = snapshot.analysis;
  if (!a) return null;
  return {
    source,
    size,
    analyzedAt: snapshot.capturedAt,
    timestamp: snapshot.capturedAt,
    debugger: a.debugger,
    signal: { ...a.signal, senderPid: null },
    pid: a.pid,
    commandLine: a.commandLine,
    executable: a.executable,
    executableBuildId: a.executableBuildId,
    crashingThreadId: a.crashingThreadId,
    threads: a.threads,
    modules: a.modules.map((m) => ({ ...m, origin: undefined })),
    warnings: a.warnings.map((w) => ({ kind: WARNING_KINDS.find((k) => k === w.kind) ?? 'debugger', message: w.message })),
    analysisError: a.analysisError,
    loaded: { executable: null, debugDirs: [], core: null },
    ...(a.runtime ? { runtime: a.runtime } : {}),
    ...(a.attachments?.length ? { attachments: a.attachments } : {}),
  };
}
