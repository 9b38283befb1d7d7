import { withFile } from '../platform/bounded-file';

/**
 * The first `max` bytes of a file inside a crash bundle, as text, never the whole file (an info_
 * file can be gigabytes) and never through a symbolic link: a link in a bundle could point at any
 * file of the machine that imports it, such as /etc/shadow for a workbench watching as root.
 */
export async function readHead(path: string, max: number): Promise<string> {
  try {
    return (await withFile(path, (file) => file.read(0, max), { noFollow: true })).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new Error(`${path} is a symbolic link; files inside a crash bundle are never read through links`);
    }
    throw error;
  }
}
