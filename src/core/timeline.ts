/**
 * Where one command's time goes, for `npm run bench`: with CRASHWB_TIMELINE=1 each step marks the
 * time since the process started, and the marks are written to stderr as one JSON line at exit.
 * Off, a mark costs one comparison.
 */
import { performance } from 'node:perf_hooks';

const enabled = process.env.CRASHWB_TIMELINE === '1';
const marks: Array<[step: string, ms: number]> = [];

export function mark(step: string): void {
  if (enabled) marks.push([step, Math.round(performance.now() * 10) / 10]);
}

if (enabled) {
  process.on('exit', () => {
    mark('exit');
    process.stderr.write(`CRASHWB_TIMELINE ${JSON.stringify(marks)}\n`);
  });
}
