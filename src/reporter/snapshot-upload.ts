import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { fingerprint } from '../core/fingerprint/fingerprint';
import { analysisOf, snapshotSchema } from '../core/sources/snapshot-schema';
import { MAX_SNAPSHOT_BYTES } from '../shared/reporter-protocol';
import type { CrashStorage } from './crash-storage';
import { HttpError } from './http-error';

/**
 * A snapshot (a crash analysed on its host) is read whole and checked before anything is kept:
 * a malformed one is refused with what is wrong. It is then stored like a core, and the answer
 * says whether the reporter wants the core too: yes unless a crash of the same fingerprint came
 * first (the `unseen` policy sends a core for each new fingerprint only).
 */
export async function receiveSnapshot(
  req: IncomingMessage,
  storage: CrashStorage,
  project: string,
  metadata: Record<string, string>,
  expectedSha256: string | undefined,
): Promise<{ crashId: string; created: boolean; wantsCore: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_SNAPSHOT_BYTES) throw new HttpError(413, `a snapshot is at most ${MAX_SNAPSHOT_BYTES} bytes`);
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'a snapshot (kind: snapshot) must be JSON, as crashwb upload --snapshot writes it');
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, `not a valid snapshot: ${issue?.path.join('.') || 'top level'}: ${issue?.message}`);
  }
  const analysis = analysisOf(parsed.data, 'snapshot', body.length);
  if (!analysis) throw new HttpError(400, 'the snapshot has no analysis: send the core instead');
  const { crash, created } = await storage.put(project, Readable.from([body]), metadata, MAX_SNAPSHOT_BYTES, expectedSha256);
  const fp = fingerprint(analysis);
  const first = await storage.firstOfFingerprint(project, fp.hash, parsed.data.coreSha256);
  return { crashId: crash.crashId, created, wantsCore: first === parsed.data.coreSha256 };
}
