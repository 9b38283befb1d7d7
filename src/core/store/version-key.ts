/**
 * A version as a text that sorts the way versions do: each run of digits padded to the same
 * width, so 2.10 comes after 2.9 and 10.0 after 9.1; letters compared without case.
 */
export function versionKey(version: string | null): string | null {
  if (version === null) return null;
  return (version.match(/\d+|[^\d\W_]+/gu) ?? [])
    .map((part) => (/^\d+$/.test(part) ? part.padStart(12, '0') : part.toLowerCase()))
    .join('.');
}
