import { readFile, stat } from 'node:fs/promises';
import { MAX_SNAPSHOT_BYTES, isSnapshotHead } from '../../../shared/reporter-protocol';
import { SNAPSHOT_ORIGIN } from '../../../shared/model';
import { fromSnapshot, type CrashSource } from '../crash-input';
import { analysisOf, snapshotSchema } from '../snapshot-schema';

/** Reads and checks a snapshot file; every fault names the file and what is wrong with it. */
export async function readSnapshot(path: string) {
  const info = await stat(path);
  if (info.size > MAX_SNAPSHOT_BYTES)
    throw new Error(`${path}: a snapshot of ${info.size} bytes is larger than ${MAX_SNAPSHOT_BYTES}; it is not one`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: the snapshot is not JSON (${(error as Error).message}); it was cut off or damaged on the way`);
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: not a valid crash snapshot: ${issue?.path.join('.') || 'its top level'}: ${issue?.message}`);
  }
  return { snapshot: parsed.data, size: info.size };
}

/**
 * A crash analysed on the host where it happened (`crashwb upload --snapshot`), with or without
 * its core following. It is named by its core's digest, so the core, when it comes, replaces it.
 */
export const snapshotSource: CrashSource = {
  opens: 'snapshot',
  name: 'crash snapshot',
  detectFile: (head) => (isSnapshotHead(head.toString('utf8')) ? { kind: 'snapshot' } : null),
  async open(path, shape) {
    const { snapshot, size } = await readSnapshot(path);
    const analysis = analysisOf(snapshot, path, size);
    if (!analysis) {
      throw new Error(
        `${path}: the snapshot has no analysis (${snapshot.analysisError ?? 'none was made on the host'}); the crash is whole once its core arrives`,
      );
    }
    const packages = snapshot.modules.filter((m) => m.package);
    const exe = snapshot.modules.find((m) => m.path === analysis.executable);
    return fromSnapshot(
      {
        shape,
        origin: `${SNAPSHOT_ORIGIN} with ${analysis.debugger}`,
        attributes: {
          'snapshot.core_sha256': snapshot.coreSha256,
          ...(exe?.package ? { package: exe.package, 'package.version': exe.version ?? '' } : {}),
        },
        attachments: packages.length
          ? [{ name: 'packages', text: packages.map((m) => `${m.path}\t${m.package} ${m.version ?? ''}`).join('\n') }]
          : [],
        timestamp: snapshot.capturedAt,
      },
      { analysis, coreSha256: snapshot.coreSha256 },
    );
  },
};
