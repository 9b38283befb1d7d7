import { z } from 'zod';
import type { ExportFile, ExportPreview, ExportRequest, RedactionRules } from '../model';
import { EXPORT_FORMATS } from '../model';
import { crashId, groupId } from './fields';

/** Reports of a crash or a group for someone outside, and what is redacted from them. */
export interface ReportsApi {
  getRedactionRules(): Promise<RedactionRules>;
  saveRedactionRules(rules: RedactionRules): Promise<RedactionRules>;
  /** What an export would remove, and the redacted report as Markdown, without writing anything. */
  previewExport(request: ExportRequest): Promise<ExportPreview>;
  /** A report of a crash or a group, redacted unless asked not to, as the bytes of the file. */
  exportReport(request: ExportRequest): Promise<ExportFile>;
}

const redactionRulesSchema = z
  .object({
    environment: z.boolean(),
    secrets: z.boolean(),
    homePaths: z.boolean(),
    hostnames: z.boolean(),
    ipAddresses: z.boolean(),
    keys: z.array(z.string().min(1).max(256)).max(64),
    patterns: z.array(z.string().min(1).max(500)).max(64),
  })
  .strict();

export const exportRequestSchema = z
  .object({
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('crash'), id: crashId }).strict(),
      z.object({ kind: z.literal('group'), id: groupId }).strict(),
    ]),
    format: z.enum(EXPORT_FORMATS),
    redact: z.boolean(),
    rules: redactionRulesSchema.optional(),
  })
  .strict();

export const reportsCalls = {
  getRedactionRules: z.tuple([]),
  saveRedactionRules: z.tuple([redactionRulesSchema]),
  previewExport: z.tuple([exportRequestSchema]),
  exportReport: z.tuple([exportRequestSchema]),
} satisfies Record<keyof ReportsApi, z.ZodTypeAny>;
