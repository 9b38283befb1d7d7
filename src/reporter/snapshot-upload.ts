import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { fingerprint } from '../core/fingerprint/fingerprint';
import type { Ruleset } from '../core/fingerprint/rules/ruleset';
import { analysisOf, snapshotSchema } from '../core/sources/snapshot-schema';
import { MAX_SNAPSHOT_BYTES } from '../shared/reporter-protocol';
import type { CrashStorage } from './crash-storage';
import { HttpError, readBody } from './http-error';

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
  rules?: Ruleset,
): Promise<{ crashId: string; created: boolean; wantsCore: boolean }> {
  const body = await readBody(req as AsyncIterable<Buffer>, MAX_SNAPSHOT_BYTES, 'a snapshot');
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
  // Grouped as the project's workbench groups it: with its own rules where the config names them.
  const fp = fingerprint(analysis, rules);
  const first = await storage.firstOfFingerprint(project, fp.hash, parsed.data.coreSha256);
  return { crashId: crash.crashId, created, wantsCore: first === parsed.data.coreSha256 };
}
