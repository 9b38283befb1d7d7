import type { GroupDetail } from '../../../shared/model';
import { DailyChart } from '../widgets/DailyChart';
import { fileName, frameLabel } from '../../../shared/frame-label';

export function GroupDetailView({ detail }: { detail: GroupDetail }) {
  return (
    <div className="group-detail">
      <DailyChart
        label="This group's crashes per day"
        counts={detail.daily.map((d) => d.count)}
        days={detail.daily.map((d) => d.day)}
        height={120}
      />
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
                {frameLabel(f)}
                {f.file ? ` — ${fileName(f.file)}:${f.line ?? '?'}` : ''}
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}
