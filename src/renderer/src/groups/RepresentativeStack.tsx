import { useState } from 'react';
import type { GroupDetail } from '../../../shared/model';
import { StackView } from '../crash/StackView';
import { SourceView } from '../crash/SourceView';

/**
 * The stack that stands for the group, beside the source of its selected frame: the frame first
 * selected is the innermost one with a source line, where a reader starts.
 */
export function RepresentativeStack({ representative }: { representative: NonNullable<GroupDetail['representative']> }) {
  const { frames, executable, buildIds } = representative;
  const [selected, setSelected] = useState(() => (frames.find((f) => f.file) ?? frames[0])?.index ?? 0);
  const frame = frames.find((f) => f.index === selected);
  return (
    <section className="rep-stack" aria-label="Representative stack">
      <StackView
        title="Representative stack"
        thread={{ number: 0, crashed: true, frames, framesTruncated: false }}
        selected={selected}
        onSelect={setSelected}
      />
      <SourceView frame={frame} executable={executable} buildId={(frame?.module && buildIds[frame.module]) || null} />
    </section>
  );
}
