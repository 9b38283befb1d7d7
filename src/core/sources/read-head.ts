import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * The first `max` bytes of a file inside a crash bundle, as text, never the whole file (an info_
 * file can be gigabytes) and never through a symbolic link: a link in a bundle could point at any
 * file of the machine that imports it, such as /etc/shadow for a workbench watching as root.
 */
export async function readHead(path: string, max: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new Error(`${path} is a symbolic link; files inside a crash bundle are never read through links`);
    }
    throw error;
  }
  try {
    const buffer = Buffer.alloc(max);
    let filled = 0;
    while (filled < max) {
      const { bytesRead } = await handle.read(buffer, filled, max - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.toString('utf8', 0, filled);
  } finally {
    await handle.close();
  }
}
