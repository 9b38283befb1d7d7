import { z } from 'zod';
import type {
  Crash,
  DirectoryListing,
  ImportReport,
  ImportRequest,
  ReporterSourceInfo,
  ReporterSyncRequest,
  S3Endpoint,
  S3ImportRequest,
  S3Listing,
} from '../model';
import { absolutePath, batchShape, crashId, serviceToken } from './fields';

/** Bringing crashes in: from this machine's folders, from S3, from a reporter. */
export interface ImportsApi {
  /** A folder's entries, for the browser host's open dialog (the app uses the OS dialog). */
  listDirectory(path: string | null): Promise<DirectoryListing>;
  importPaths(request: ImportRequest): Promise<ImportReport>;
  cancelImport(jobId: string): Promise<void>;
  /** Buckets (no URL), or one level of s3://BUCKET/PREFIX with the crash bundles in it recognised. */
  listS3(endpoint: S3Endpoint, url: string | null): Promise<S3Listing>;
  /** Downloads what is new or changed under an S3 prefix (or the chosen keys) and imports it. */
  importS3(request: S3ImportRequest): Promise<ImportReport>;
  /** Keeps S3 credentials for an endpoint (null: AWS) in the OS keychain; the desktop app only. */
  saveS3Credentials(endpoint: string | null, credentials: { accessKeyId: string; secretAccessKey: string } | null): Promise<void>;
  /** The reporters kept as sources, and whether a token is saved for each. */
  listReporterSources(): Promise<ReporterSourceInfo[]>;
  /** Keeps a reporter as a source; a token goes to the OS keychain (desktop app only), null keeps the saved one. */
  saveReporterSource(url: string, token: string | null): Promise<ReporterSourceInfo[]>;
  removeReporterSource(url: string): Promise<ReporterSourceInfo[]>;
  /** Downloads and imports what arrived at a reporter since the last sync. */
  syncReporter(request: ReporterSyncRequest): Promise<ImportReport>;
  /** Brings a snapshot crash's core from its reporter (token: given, or the one kept); the crash is analysed from it. */
  fetchCore(crashId: string, token: string | null): Promise<Crash>;
}

export const importRequestSchema = z.object({ paths: z.array(absolutePath).min(1).max(10_000), ...batchShape }).strict();

const endpointUrl = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s/]+(?:\/[^\s]*)?$/, 'an http(s) URL');
const s3Url = z
  .string()
  .max(2048)
  .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/.*)?$/, 's3://BUCKET[/PREFIX]');
const s3EndpointSchema = z
  .object({
    endpoint: endpointUrl.optional(),
    region: z
      .string()
      .max(64)
      .regex(/^[a-z0-9-]+$/)
      .optional(),
    pathStyle: z.boolean().optional(),
    savedCredentials: z.boolean().optional(),
  })
  .strict();
const s3ImportRequestSchema = s3EndpointSchema
  .extend({ url: s3Url, keys: z.array(z.string().min(1).max(1024)).max(10_000).optional(), ...batchShape })
  .strict();
const reporterUrl = z
  .string()
  .max(2048)
  .regex(/^reporter\+https?:\/\/[^\s/?#]+\/?$/, 'reporter+http(s)://HOST:PORT');
const reporterSyncRequestSchema = z.object({ url: reporterUrl, token: serviceToken.optional(), ...batchShape }).strict();

export const importsCalls = {
  listDirectory: z.tuple([absolutePath.nullable()]),
  importPaths: z.tuple([importRequestSchema]),
  cancelImport: z.tuple([z.string().uuid()]),
  listS3: z.tuple([s3EndpointSchema, s3Url.nullable()]),
  importS3: z.tuple([s3ImportRequestSchema]),
  saveS3Credentials: z.tuple([
    endpointUrl.nullable(),
    z
      .object({ accessKeyId: z.string().min(1).max(256), secretAccessKey: z.string().min(1).max(1024) })
      .strict()
      .nullable(),
  ]),
  listReporterSources: z.tuple([]),
  saveReporterSource: z.tuple([reporterUrl, serviceToken.nullable()]),
  removeReporterSource: z.tuple([reporterUrl]),
  syncReporter: z.tuple([reporterSyncRequestSchema]),
  fetchCore: z.tuple([crashId, serviceToken.nullable()]),
} satisfies Record<keyof ImportsApi, z.ZodTypeAny>;
