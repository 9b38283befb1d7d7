/**
 * Where one command's time goes, for `npm run bench`: with CRASHWB_TIMELINE=1 each step marks the
 * time since the process started, and the marks are written to stderr as one JSON line at exit.
 * A bench running the workbench in its own process turns it on with `recordTimeline()` and reads
 * the marks itself. Off, a mark costs one comparison.
 */
import { performance } from 'node:perf_hooks';

/** A long-lived process keeps only the latest marks. */
const MAX_MARKS = 10_000;
let enabled = process.env.CRASHWB_TIMELINE === '1';
const marks: Array<[step: string, ms: number]> = [];

export function mark(step: string): void {
  if (!enabled) return;
  if (marks.length >= MAX_MARKS) marks.shift();
  marks.push([step, Math.round(performance.now() * 10) / 10]);
}

/** Starts recording marks in this process, forgetting earlier ones. */
export function recordTimeline(): void {
  enabled = true;
  marks.length = 0;
}

/** The marks so far, each with its time on the wall clock (ms since the epoch), to compare with another process's. */
export function timelineMarks(): Array<{ step: string; epochMs: number }> {
  return marks.map(([step, ms]) => ({ step, epochMs: performance.timeOrigin + ms }));
}

if (enabled) {
  process.on('exit', () => {
    mark('exit');
    process.stderr.write(`CRASHWB_TIMELINE ${JSON.stringify(marks)}\n`);
  });
}
