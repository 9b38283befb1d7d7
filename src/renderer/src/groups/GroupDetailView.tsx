import type { GroupDetail } from '../../../shared/model';
import { DailyChart } from '../widgets/DailyChart';

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
    </div>
  );
}
