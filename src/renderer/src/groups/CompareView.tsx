import type { FacetValue, GroupingExplanation, ValueDiff } from '../../../shared/model';
import { useReportStore, type Comparison } from '../stores/report-store';
import { StackAlignment } from './StackAlignment';
import { Modal } from '../widgets/Modal';

function Explanation({ explanation }: { explanation: GroupingExplanation }) {
  return (
    <section aria-label="Why">
      <p className={explanation.sameGroup ? 'verdict same' : 'verdict different'}>{explanation.summary}</p>
      <ul className="fingerprint-parts">
        {explanation.parts.map((p) => (
          <li key={p.part} className={p.same ? 'part-same' : 'part-different'}>
            <strong>
              {p.same ? '=' : '≠'} {p.part}
            </strong>{' '}
            {p.a}
            {!p.same && p.part !== 'algorithm' && <> · {p.b}</>}
          </li>
        ))}
      </ul>
      {explanation.how && (
        <details className="fingerprint-how">
          <summary>How each fingerprint came about, rule by rule</summary>
          <div className="fingerprint-how-sides">
            {(
              [
                ['First', explanation.how.a],
                ['Second', explanation.how.b],
              ] as const
            ).map(([side, steps]) => (
              <ol key={side} aria-label={`${side} fingerprint`}>
                {steps.map((step, i) => (
                  <li key={i}>{step}</li>
                ))}
              </ol>
            ))}
          </div>
        </details>
      )}
    </section>
  );
}

function Differences({ title, rows }: { title: string; rows: ValueDiff[] }) {
  const differing = rows.filter((r) => !r.same);
  return (
    <section aria-label={title}>
      <h3>
        {title}{' '}
        <span className="muted">
          ({differing.length} of {rows.length} differ)
        </span>
      </h3>
      <table className="value-diff">
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={r.same ? '' : 'value-differs'}>
              <th>{r.key}</th>
              <td>{r.a ?? '—'}</td>
              <td>{r.b ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const spread = (values: FacetValue[]): string => values.map((v) => `${v.value} (${v.count})`).join(', ') || '—';

function Body({ comparison }: { comparison: Comparison }) {
  if (comparison.kind === 'crashes') {
    const { a, b } = comparison.value;
    return (
      <>
        <h2>
          Crash {a.id.slice(0, 12)} vs {b.id.slice(0, 12)}
        </h2>
        <p className="muted">
          {a.title} (group {a.groupId ?? '—'}) · {b.title} (group {b.groupId ?? '—'})
        </p>
        <Explanation explanation={comparison.value.explanation} />
        <h3>Crashing stacks</h3>
        <StackAlignment
          rows={comparison.value.stack}
          labels={{ base: `Crash ${a.id.slice(0, 12)}`, other: `Crash ${b.id.slice(0, 12)}` }}
        />
        <Differences title="Attributes" rows={comparison.value.attributes} />
        <Differences title="Registers" rows={comparison.value.registers} />
      </>
    );
  }
  const { a, b, similarity, attributes } = comparison.value;
  return (
    <>
      <h2>
        Group #{a.id} vs #{b.id}
      </h2>
      <p className="muted">
        {a.title} · {b.title} · stacks {Math.round(similarity * 100)}% alike
      </p>
      <Explanation explanation={comparison.value.explanation} />
      <h3>Representative stacks</h3>
      <StackAlignment rows={comparison.value.stack} labels={{ base: `Group #${a.id}`, other: `Group #${b.id}` }} />
      <section aria-label="Attribute spreads">
        <h3>Attributes</h3>
        <table className="value-diff">
          <tbody>
            {attributes.map((d) => (
              <tr key={d.key}>
                <th>{d.key}</th>
                <td>{spread(d.a)}</td>
                <td>{spread(d.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

/** Two crashes or two groups side by side, with why they are, or are not, one group. */
export function CompareView() {
  const { comparison, closeComparison } = useReportStore();
  if (!comparison) return null;
  return (
    <Modal label="Comparison" onClose={closeComparison} className="compare">
      <button className="modal-close" onClick={closeComparison} aria-label="Close comparison">
        ×
      </button>
      <Body comparison={comparison} />
    </Modal>
  );
}
