import type { Frame, FrameDiffKind, StackDiff } from '../../../shared/model';

const MARK: Record<FrameDiffKind, string> = { same: ' ', moved: '~', added: '+', removed: '−' };
const DESCRIBE: Record<FrameDiffKind, string> = {
  same: 'same frame',
  moved: 'same function, other line',
  added: 'only in this crash',
  removed: 'only in the representative',
};

function FrameCell({ frame }: { frame: Frame | null }) {
  if (!frame) return <td className="diff-empty" />;
  const where = frame.file ? `${frame.file.split('/').pop()}:${frame.line ?? '?'}` : (frame.module?.split('/').pop() ?? frame.address);
  return (
    <td>
      <code>{frame.function ?? '??'}</code> <span className="muted">{where}</span>
    </td>
  );
}

/** A crash's crashing stack beside its group's representative, frame by frame. */
export function StackDiffView({ diff, onClose }: { diff: StackDiff; onClose(): void }) {
  const changed = diff.rows.filter((r) => r.kind !== 'same').length;
  return (
    <section className="stack-diff" aria-label="Stack diff">
      <h3>
        Diff against the representative{' '}
        <button onClick={onClose} aria-label="Close diff">
          ×
        </button>
      </h3>
      <p className="muted">
        {changed === 0 ? 'The stacks are the same.' : `${changed} of ${diff.rows.length} frames differ.`}{' '}
        {diff.sameFingerprint ? 'Same fingerprint.' : 'Different fingerprint: this crash is in the group by a merge or a move.'}
      </p>
      <table>
        <thead>
          <tr>
            <th aria-label="Difference" />
            <th>Representative {diff.baseCrashId.slice(0, 12)}</th>
            <th>This crash {diff.crashId.slice(0, 12)}</th>
          </tr>
        </thead>
        <tbody>
          {diff.rows.map((row, i) => (
            <tr key={i} className={`diff-${row.kind}`} title={DESCRIBE[row.kind]} aria-label={DESCRIBE[row.kind]}>
              <td className="diff-mark">{MARK[row.kind]}</td>
              <FrameCell frame={row.base} />
              <FrameCell frame={row.other} />
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
