import type { Frame, FrameDiffKind, StackDiffRow } from '../../../shared/model';
import { fileName, frameLabel } from '../../../shared/frame-label';

const MARK: Record<FrameDiffKind, string> = { same: ' ', moved: '~', added: '+', removed: '−' };

function FrameCell({ frame }: { frame: Frame | null }) {
  if (!frame) return <td className="diff-empty" />;
  const where = frame.file ? `${fileName(frame.file)}:${frame.line ?? '?'}` : frame.function && frame.module ? fileName(frame.module) : '';
  return (
    <td>
      <code>{frameLabel(frame)}</code> <span className="muted">{where}</span>
    </td>
  );
}

/** Two stacks side by side, frame by frame, with what only one of them has marked. */
export function StackAlignment({ rows, labels }: { rows: StackDiffRow[]; labels: { base: string; other: string } }) {
  const describe: Record<FrameDiffKind, string> = {
    same: 'same frame',
    moved: 'same function, other line',
    added: `only in ${labels.other}`,
    removed: `only in ${labels.base}`,
  };
  return (
    <table className="stack-alignment">
      <thead>
        <tr>
          <th aria-label="Difference" />
          <th>{labels.base}</th>
          <th>{labels.other}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i} className={`diff-${row.kind}`} title={describe[row.kind]} aria-label={describe[row.kind]}>
            <td className="diff-mark">{MARK[row.kind]}</td>
            <FrameCell frame={row.base} />
            <FrameCell frame={row.other} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
