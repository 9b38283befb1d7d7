import { useCallback, useRef, type KeyboardEvent } from 'react';

/**
 * Roving focus for a list or table: one item is in the Tab order (the selected one), the arrow
 * keys, Home and End move the selection and the focus with it, Enter opens the focused item and
 * Escape goes back. The way VS Code's lists and the WAI-ARIA grid pattern behave.
 */
export function useRoving(options: {
  count: number;
  selected: number;
  onSelect(index: number): void;
  onOpen?(index: number): void;
  onBack?(): void;
}) {
  const items = useRef(new Map<number, HTMLElement>());
  const { count, selected, onSelect, onOpen, onBack } = options;
  const move = useCallback(
    (to: number) => {
      const index = Math.max(0, Math.min(count - 1, to));
      onSelect(index);
      // The item may render only after the selection moves: focus it on the next frame.
      requestAnimationFrame(() => items.current.get(index)?.focus());
    },
    [count, onSelect],
  );
  const itemProps = (index: number) => ({
    tabIndex: index === selected ? 0 : -1,
    ref: (element: HTMLElement | null) => {
      if (element) items.current.set(index, element);
      else items.current.delete(index);
    },
    onKeyDown: (event: KeyboardEvent) => {
      const keys: Record<string, () => void> = {
        ArrowDown: () => move(index + 1),
        ArrowUp: () => move(index - 1),
        Home: () => move(0),
        End: () => move(count - 1),
        PageDown: () => move(index + 10),
        PageUp: () => move(index - 10),
        Enter: () => (onOpen ?? onSelect)(index),
        Escape: () => onBack?.(),
      };
      const action = keys[event.key];
      if (!action || (event.key === 'Escape' && !onBack)) return;
      event.preventDefault();
      action();
    },
  });
  return { itemProps };
}
