import { plural } from './plural';

/**
 * Crashes per day as bars, oldest first, drawn as one path (a table shows dozens of these at
 * once). The label says the total for screen readers; with `days`, each bar gets a title too.
 */
export function Sparkline({
  counts,
  days,
  width = 150,
  height = 28,
}: {
  counts: number[];
  days?: string[];
  width?: number;
  height?: number;
}) {
  const max = Math.max(1, ...counts);
  const total = counts.reduce((n, c) => n + c, 0);
  const step = width / Math.max(1, counts.length);
  const bar = Math.max(1, step - 1);
  const heightOf = (count: number) => (count ? Math.max(1, (count / max) * (height - 2)) : 1);
  const bars = (pick: (count: number) => boolean) =>
    counts
      .map((c, i) =>
        pick(c) ? `M${(i * step).toFixed(1)} ${height}v-${heightOf(c).toFixed(1)}h${bar.toFixed(1)}v${heightOf(c).toFixed(1)}z` : '',
      )
      .join('');
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      role="img"
      aria-label={`${plural(total, 'crash', 'crashes')} in the last ${counts.length} days`}
    >
      <path className="empty" d={bars((c) => c === 0)} />
      <path d={bars((c) => c > 0)} />
      {days &&
        counts.map((count, i) => (
          <rect key={days[i] ?? i} x={i * step} y={0} width={bar} height={height} fill="transparent">
            <title>
              {days[i]}: {count}
            </title>
          </rect>
        ))}
    </svg>
  );
}
