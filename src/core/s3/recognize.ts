import { recognizeName } from '../sources/registry';

/** What an object's name says about it before it is downloaded. */
export function recognizeKey(key: string): { kind: string | null; metadata: Record<string, string> } {
  return recognizeName(key.slice(key.lastIndexOf('/') + 1));
}
