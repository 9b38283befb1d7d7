import type { StackDiff } from '../../../shared/model';
import { StackAlignment } from './StackAlignment';

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
      <StackAlignment
        rows={diff.rows}
        labels={{ base: `Representative ${diff.baseCrashId.slice(0, 12)}`, other: `This crash ${diff.crashId.slice(0, 12)}` }}
      />
    </section>
  );
}
