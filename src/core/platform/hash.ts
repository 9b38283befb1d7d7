import { createHash } from 'node:crypto';
import { regularFileStream } from './bounded-file';

/** sha256 of a file, streamed in 1 MiB pieces, reporting the fraction done. */
export async function sha256File(path: string, onProgress?: (fraction: number) => void, size?: number): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  let lastReport = 0;
  for await (const chunk of (await regularFileStream(path, { highWaterMark: 1 << 20 })) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    done += chunk.length;
    if (onProgress && size && done - lastReport > 64 << 20) {
      lastReport = done;
      onProgress(done / size);
    }
  }
  return hash.digest('hex');
}
