import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { plural } from './plural';
import { usePrefersDark } from './color-scheme';

const DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/**
 * Crashes per day as bars, with a date axis, a count axis and the day under the pointer named
 * in the legend (uPlot). The label gives screen readers the total and the busiest day.
 */
export function DailyChart({ days, counts, height = 160, label }: { days: string[]; counts: number[]; height?: number; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const dark = usePrefersDark();
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const style = getComputedStyle(document.documentElement);
    const ink = style.getPropertyValue('--muted').trim() || '#4f5a6a';
    const grid = style.getPropertyValue('--line').trim() || '#eef0f3';
    const bar = style.getPropertyValue('--link').trim() || '#2a55b5';
    const x = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const chart = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height,
        // Days are whole UTC days, as the database counts them.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        cursor: { points: { show: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [
          { ...axis, values: (_u, ticks) => ticks.map((t) => DAY.format(new Date(t * 1000))) },
          { ...axis, values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) },
        ],
        series: [
          { label: 'Day', value: (_u, ts) => (ts == null ? '' : DAY.format(new Date(ts * 1000))) },
          {
            label: 'Crashes',
            stroke: bar,
            fill: bar,
            paths: uPlot.paths.bars?.({ size: [0.7, 40] }),
            points: { show: false },
            value: (_u, v) => (v == null ? '' : plural(v, 'crash', 'crashes')),
          },
        ],
      },
      [x, counts],
      element,
    );
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [days, counts, height, dark]);
  const total = counts.reduce((n, c) => n + c, 0);
  const peak = counts.reduce((best, c, i) => (c > (counts[best] ?? 0) ? i : best), 0);
  return (
    <figure className="daily-chart" aria-label={label}>
      <div
        ref={host}
        role="img"
        aria-label={`${plural(total, 'crash', 'crashes')} in ${plural(days.length, 'day')}${total ? `, most on ${days[peak]} (${counts[peak]})` : ''}`}
      />
    </figure>
  );
}
