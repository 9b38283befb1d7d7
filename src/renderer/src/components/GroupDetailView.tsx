import type { GroupDetail } from '../../../shared/model';

/** Crashes per day over 30 days as bars; the title says the numbers for screen readers. */
export function Sparkline({ daily }: { daily: GroupDetail['daily'] }) {
  const max = Math.max(1, ...daily.map((d) => d.count));
  const total = daily.reduce((n, d) => n + d.count, 0);
  return (
    <svg className="sparkline" width={150} height={28} role="img" aria-label={`${total} crashes in the last 30 days`}>
      {daily.map((d, i) => (
        <rect key={d.day} x={i * 5} y={28 - (d.count / max) * 26} width={4} height={Math.max(1, (d.count / max) * 26)}>
          <title>
            {d.day}: {d.count}
          </title>
        </rect>
      ))}
    </svg>
  );
}

export function GroupDetailView({ detail }: { detail: GroupDetail }) {
  return (
    <div className="group-detail">
      <Sparkline daily={detail.daily} />
      {Object.entries(detail.attributes).map(([key, values]) => (
        <div key={key} className="distribution" aria-label={`Distribution of ${key}`}>
          <strong>{key}</strong>{' '}
          {values.slice(0, 8).map((v) => (
            <span key={v.value} className="chip">
              {v.value} ({v.count})
            </span>
          ))}
        </div>
      ))}
      {detail.representative && (
        <section aria-label="Representative stack">
          <h3>Representative stack</h3>
          <ol className="rep-stack" start={0}>
            {detail.representative.frames.slice(0, 12).map((f) => (
              <li key={f.index}>
                {f.function ?? f.module ?? f.address}
                {f.file ? ` — ${f.file.split('/').pop()}:${f.line ?? '?'}` : ''}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
