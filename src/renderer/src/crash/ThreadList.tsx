import type { Thread } from '../../../shared/model';
import { frameLabel, type ModuleBase } from '../../../shared/frame-label';

interface Props {
  threads: Thread[];
  modules?: ModuleBase[];
  selected: number | null;
  onSelect(id: number): void;
}

export function ThreadList({ threads, modules, selected, onSelect }: Props) {
  return (
    <section className="panel threads">
      <h2>Threads ({threads.length})</h2>
      <ul role="listbox" aria-label="Threads">
        {threads.map((t) => {
          const top = t.frames.find((f) => f.function) ?? t.frames[0];
          return (
            <li
              key={t.id}
              role="option"
              aria-selected={t.id === selected}
              data-crashed={t.crashed || undefined}
              tabIndex={0}
              onClick={() => onSelect(t.id)}
              onKeyDown={(e) => e.key === 'Enter' && onSelect(t.id)}
            >
              {t.crashed && <span className="badge">crashed</span>}
              <span className="thread-name">
                Thread {t.number} · LWP {t.id}
                {t.name ? ` · ${t.name}` : ''}
              </span>
              <span className="thread-top">{top ? frameLabel(top, modules) : 'no frames'}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
