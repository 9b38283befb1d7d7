import { useEffect, useRef, useState } from 'react';
import { useCrashStore } from '../stores/crash-store';
import { useRoving } from '../widgets/roving';
import { fileName } from '../../../shared/frame-label';

/**
 * The crashes opened lately, as a menu: arrows move through them and only Enter or a click opens
 * one, where a select would open each crash the arrow keys pass over.
 */
export function RecentMenu() {
  const recent = useCrashStore((s) => s.recent);
  const show = useCrashStore((s) => s.show);
  const [open, setOpen] = useState(false);
  const [selected, setSelected] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const close = (): void => {
    setOpen(false);
    button.current?.focus();
  };
  const choose = (index: number): void => {
    const crash = recent[index];
    close();
    if (crash) void show(crash.id);
  };
  const { itemProps } = useRoving({ count: recent.length, selected, onSelect: setSelected, onOpen: choose, onBack: close });
  useEffect(() => {
    if (!open) return;
    setSelected(0);
    requestAnimationFrame(() => menu.current?.querySelector<HTMLElement>('[role="option"]')?.focus());
    // A click anywhere else closes the menu, as menus do.
    const outside = (event: MouseEvent): void => {
      if (!(event.target instanceof Node) || !menu.current?.parentElement?.contains(event.target)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);
  return (
    <div className="recent-menu">
      <button
        ref={button}
        aria-haspopup="listbox"
        aria-expanded={open}
        disabled={recent.length === 0}
        title={recent.length === 0 ? 'No crash opened yet' : undefined}
        onClick={() => setOpen(!open)}
      >
        Recent ▾
      </button>
      {open && (
        <ul
          ref={menu}
          role="listbox"
          aria-label="Recent files"
          className="recent-list"
          onBlur={(e) => {
            if (!(e.relatedTarget instanceof Node) || !e.currentTarget.contains(e.relatedTarget)) setOpen(false);
          }}
        >
          {recent.map((r, i) => (
            <li
              key={`${r.id}-${r.source}`}
              role="option"
              aria-selected={i === selected}
              title={r.source}
              onClick={() => choose(i)}
              {...itemProps(i)}
            >
              <span>
                <span className="recent-signal">{r.signalName}</span> <bdi>{fileName(r.executable ?? r.source)}</bdi>
              </span>
              <span className="muted recent-source">{r.source}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
