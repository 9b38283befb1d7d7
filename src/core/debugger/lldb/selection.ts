/**
 * lldb has no second UI to listen on, so its console's own output says where the selection
 * is: the frame format gets an invisible terminal sequence (an OSC that terminals ignore)
 * carrying the thread and frame index, printed whenever lldb shows a frame.
 */
export const MARKER_ID = '7777';
const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);

/** lldb's own escapes (\x1b, \x07) keep control characters out of the command line. */
export const MARKED_FRAME_FORMAT =
  `\\x1b]${MARKER_ID};\${thread.index};\${frame.index}\\x07` +
  'frame #${frame.index}: ${frame.pc}{ ${module.file.basename}{`${function.name-with-args}{${frame.no-debug}${function.pc-offset}}}}' +
  '{ at ${line.file.basename}:${line.number}{:${line.column}}}{${function.is-optimized} [opt]}\\n';

const MARKER = new RegExp(`${ESC}\\]${MARKER_ID};(\\d+);(\\d+)${BEL}`, 'g');
const PROMPT = '(lldb) ';
const MAX_SPAN = 64 * 1024;

/**
 * Follows a console's output. Between two prompts, one marked frame is a selection (`frame
 * select`, `up`, `thread select`); in a backtrace, the selected frame is the one lldb stars.
 */
export class LldbSelectionReader {
  private pending = '';

  constructor(private readonly onSelection: (selection: { thread: number; frame: number }) => void) {}

  /** Takes console output; returns it without the markers, for the terminal. */
  take(data: string): string {
    this.pending += data;
    const cut = this.pending.lastIndexOf(PROMPT);
    if (cut !== -1) {
      this.judge(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut + PROMPT.length);
    }
    // A long listing between prompts is only searched near its end, where a selection would be.
    if (this.pending.length > MAX_SPAN) this.pending = this.pending.slice(-MAX_SPAN);
    // A marker cut between two pieces of output stays in them; the terminal ignores it anyway.
    return data.replace(MARKER, '');
  }

  private judge(span: string): void {
    const marks = [...span.matchAll(MARKER)].map((m) => {
      const lineStart = span.lastIndexOf('\n', m.index ?? 0) + 1;
      return { thread: Number(m[1]), frame: Number(m[2]), starred: /\*\s*$/.test(span.slice(lineStart, m.index)) };
    });
    if (marks.length === 0) return;
    const chosen = marks.length === 1 ? marks[0] : marks.filter((m) => m.starred).length === 1 ? marks.find((m) => m.starred) : undefined;
    if (chosen) this.onSelection({ thread: chosen.thread, frame: chosen.frame });
  }
}
