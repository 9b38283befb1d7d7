import type { Thread } from '../../../shared/model';

const shortPath = (path: string | null): string => (path ? path.split('/').slice(-2).join('/') : '');

interface Props {
  thread: Thread;
  selected: number;
  onSelect(index: number): void;
}

export function StackView({ thread, selected, onSelect }: Props) {
  return (
    <section className="panel stack">
      <h2>
        Stack of thread {thread.number}
        {thread.crashed ? ' (crashed)' : ''}
      </h2>
      <table aria-label="Stack">
        <tbody>
          {thread.frames.map((f) => (
            <tr
              key={f.index}
              aria-selected={f.index === selected}
              className={f.file ? 'has-source' : 'no-source'}
              onClick={() => onSelect(f.index)}
              tabIndex={0}
              onKeyDown={(e) => e.key === 'Enter' && onSelect(f.index)}
            >
              <td className="num">#{f.index}</td>
              <td className="fn">
                {f.function ?? '??'}
                {f.inline && <span className="badge subtle">inlined</span>}
              </td>
              <td className="loc">{f.file ? `${shortPath(f.file)}:${f.line ?? '?'}` : shortPath(f.module)}</td>
              <td className="addr">{f.address}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {thread.frames.length === 0 && <p className="muted">No frames: the debugger did not unwind this thread.</p>}
      {thread.framesTruncated && <p className="muted">The stack was cut at {thread.frames.length} frames.</p>}
    </section>
  );
}
