import { useCallback, useRef, useState, type KeyboardEvent } from 'react';

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

/**
 * Roving focus for a list that keeps its own selection. Buttons inside an item take
 * `innerTabIndex(index)`: only the current item's are in the Tab order, so Tab goes from the
 * list into that item's actions and then on, never through every row's.
 */
export function useRovingList(count: number, onOpen?: (index: number) => void, onBack?: () => void) {
  const [chosen, setChosen] = useState(0);
  const selected = Math.min(chosen, Math.max(0, count - 1));
  const { itemProps } = useRoving({ count, selected, onSelect: setChosen, onOpen, onBack });
  return { itemProps, selected, innerTabIndex: (index: number) => (index === selected ? 0 : -1) };
}
