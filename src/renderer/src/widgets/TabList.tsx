import { useRef, type KeyboardEvent } from 'react';

/**
 * A row of tabs as WAI-ARIA describes them: one Tab stop, the arrow keys (and Home, End) move to
 * the next tab and show it at once.
 */
export function TabList<T extends string>({
  label,
  tabs,
  selected,
  onSelect,
  className,
  as: Element = 'div',
}: {
  label: string;
  tabs: ReadonlyArray<readonly [T, string]>;
  selected: T;
  onSelect(tab: T): void;
  className?: string;
  as?: 'div' | 'nav';
}) {
  const buttons = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (event: KeyboardEvent, index: number): void => {
    const to: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    const target = to[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const [id] = tabs[(target + tabs.length) % tabs.length] ?? [];
    if (id === undefined) return;
    onSelect(id);
    buttons.current.get(id)?.focus();
  };
  return (
    <Element role="tablist" aria-label={label} className={className}>
      {tabs.map(([id, text], index) => (
        <button
          key={id}
          ref={(element) => {
            if (element) buttons.current.set(id, element);
            else buttons.current.delete(id);
          }}
          role="tab"
          aria-selected={id === selected}
          tabIndex={id === selected ? 0 : -1}
          onClick={() => onSelect(id)}
          onKeyDown={(e) => onKeyDown(e, index)}
        >
          {text}
        </button>
      ))}
    </Element>
  );
}
