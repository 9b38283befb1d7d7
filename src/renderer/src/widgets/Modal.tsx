import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: it takes the focus when it opens and gives it back when it closes, Tab and
 * Shift+Tab go round inside it and never reach the page behind, and Escape closes it.
 */
export function Modal({
  label,
  onClose,
  className,
  children,
}: {
  label: string;
  onClose(): void;
  className?: string;
  children: ReactNode;
}) {
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const first =
      body.current?.querySelector<HTMLElement>('[data-autofocus], input, select, textarea') ??
      body.current?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? body.current)?.focus();
    return () => before?.focus();
  }, []);
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      // A dialog opened from this one (a file browser over the Symbols dialog) closes first.
      event.stopPropagation();
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !body.current) return;
    const items = [...body.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (e) => e.offsetParent !== null || e === document.activeElement,
    );
    const first = items[0];
    const last = items.at(-1);
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };
  return (
    <div className="modal">
      <div
        ref={body}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        tabIndex={-1}
        className={className ? `modal-body ${className}` : 'modal-body'}
        onKeyDown={onKeyDown}
      >
        {children}
      </div>
    </div>
  );
}
