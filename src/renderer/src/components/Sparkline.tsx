/** Crashes per day as bars, oldest first; the label says the total for screen readers, each bar's title its day. */
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
  return (
    <svg className="sparkline" width={width} height={height} role="img" aria-label={`${total} crashes in the last ${counts.length} days`}>
      {counts.map((count, i) => {
        const h = Math.max(1, (count / max) * (height - 2));
        return (
          <rect key={i} x={i * step} y={height - h} width={Math.max(1, step - 1)} height={h} className={count ? undefined : 'empty'}>
            {days && (
              <title>
                {days[i]}: {count}
              </title>
            )}
          </rect>
        );
      })}
    </svg>
  );
}
