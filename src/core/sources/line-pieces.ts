import { StringDecoder } from 'node:string_decoder';

/** A piece of a line: `start` on its first piece, `end` on its last (a short line is one piece with both). */
export interface LinePiece {
  text: string;
  start: boolean;
  end: boolean;
}

/**
 * The lines of a stream, handed over in pieces, so that a line of gigabytes (a corrupt or hostile
 * file) never has to fit in memory, or in one string. A line's first piece holds at least its
 * first `holdChars` characters (or all of it); the rest comes as the stream delivers it. Line
 * ends are `\n` or `\r\n`.
 */
export async function* linePieces(input: AsyncIterable<Buffer>, holdChars = 4096): AsyncGenerator<LinePiece> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let start = true;
  for await (const chunk of input) {
    const text = pending + decoder.write(chunk);
    pending = '';
    let at = 0;
    for (let nl = text.indexOf('\n', at); nl !== -1; nl = text.indexOf('\n', at)) {
      const line = text.slice(at, nl);
      yield { text: line.endsWith('\r') ? line.slice(0, -1) : line, start, end: true };
      start = true;
      at = nl + 1;
    }
    const rest = text.slice(at);
    // A '\r' is kept back, in case its '\n' comes in the next chunk.
    if (rest.length > holdChars) {
      const cut = rest.endsWith('\r') ? rest.length - 1 : rest.length;
      yield { text: rest.slice(0, cut), start, end: false };
      start = false;
      pending = rest.slice(cut);
    } else pending = rest;
  }
  const tail = pending + decoder.end();
  if (tail || !start) yield { text: tail.endsWith('\r') ? tail.slice(0, -1) : tail, start, end: true };
}
