import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';

/** Pieces are scanned as one text, kept apart by a line no rule can join across. */
const SEPARATOR = '\n\n\u0000\n\n';

/**
 * The secrets secretlint's recommended rules find in a report's texts (private keys, cloud and
 * service tokens, basic-auth URLs …), as the literal strings to remove. Its rules are maintained
 * with the services whose tokens they know; the redactor's own rules add what they leave out
 * (shadow lines, .netrc, environment blocks, assignments).
 */
export async function maintainedSecrets(texts: string[]): Promise<string[]> {
  const pieces = texts.filter((t) => t.length >= 8);
  if (!pieces.length) return [];
  const content = pieces.join(SEPARATOR);
  const result = await lintSource({
    source: { filePath: 'report.txt', content, contentType: 'text' },
    options: { config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] }, maskSecrets: false },
  });
  const found = new Set<string>();
  for (const message of result.messages) {
    const [start, end] = message.range;
    // A finding never spans two pieces: clip it to the piece it starts in.
    const stop = content.indexOf(SEPARATOR, start);
    const secret = content.slice(start, stop === -1 ? end : Math.min(end, stop));
    if (secret.length >= 8) found.add(secret);
  }
  // Longest first, so a secret that contains another goes whole.
  return [...found].sort((a, b) => b.length - a.length);
}
