import type { Thread } from '../../../shared/model';
import { frameLabel, threadHeading, nameBesideHeading, type ModuleBase } from '../../../shared/frame-label';
import { useRoving } from '../widgets/roving';

interface Props {
  threads: Thread[];
  modules?: ModuleBase[];
  selected: number | null;
  onSelect(id: number): void;
}

export function ThreadList({ threads, modules, selected, onSelect }: Props) {
  const { itemProps } = useRoving({
    count: threads.length,
    selected: Math.max(
      0,
      threads.findIndex((t) => t.id === selected),
    ),
    onSelect: (i) => {
      const thread = threads[i];
      if (thread) onSelect(thread.id);
    },
  });
  return (
    <section className="panel threads">
      <h2>Threads ({threads.length})</h2>
      <ul role="listbox" aria-label="Threads">
        {threads.map((t, i) => {
          const top = t.frames.find((f) => f.function) ?? t.frames[0];
          return (
            <li
              key={t.id}
              role="option"
              aria-selected={t.id === selected}
              data-crashed={t.crashed || undefined}
              onClick={() => onSelect(t.id)}
              {...itemProps(i)}
            >
              {t.crashed && <span className="badge">crashed</span>}
              <span className="thread-name">
                {threadHeading(t)}
                {nameBesideHeading(t) ? ` · ${t.name}` : ''}
              </span>
              <span className="thread-top">{top ? frameLabel(top, modules) : 'no frames'}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
