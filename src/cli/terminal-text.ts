/**
 * Control characters a crash can carry (a command line, a thread name, a symbol of a hostile
 * binary): C0 but newline and tab, DEL, C1, and the bidirectional overrides that make text
 * read other than it is. On a terminal they would move the cursor, retitle the window or hide
 * what follows.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with each control character written as \uXXXX, which reads the same in a JSON string. */
export const escapeControls = (text: string): string =>
  text.replace(CONTROLS, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);

/** Everything the command writes as text to its standard output goes through `escapeControls`. */
export function guardStdout(stream: NodeJS.WriteStream = process.stdout): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === 'string' ? escapeControls(chunk) : chunk, ...rest)) as typeof stream.write;
}
