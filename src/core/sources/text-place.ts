/** Whether a piece of text is a run of digits short enough to be a line, a column or an id. */
export const isNumber = (text: string): boolean => text.length > 0 && text.length < 10 && /^\d+$/.test(text);

/**
 * "file:12:34", "file:12" or "file": the place, with the line and column where there are some, as
 * runtimes and debuggers print a frame's place. Read from the end without splitting, so a path
 * with colons (`node:internal/timers`) or a location of thousands of them costs no more than its
 * length.
 */
export function placeFromEnd(location: string): { file: string; line: number | null; column: number | null } {
  const last = location.lastIndexOf(':');
  if (last < 0 || !isNumber(location.slice(last + 1))) return { file: location, line: null, column: null };
  const before = location.lastIndexOf(':', last - 1);
  if (before >= 0 && isNumber(location.slice(before + 1, last)))
    return { file: location.slice(0, before), line: Number(location.slice(before + 1, last)), column: Number(location.slice(last + 1)) };
  return { file: location.slice(0, last), line: Number(location.slice(last + 1)), column: null };
}
