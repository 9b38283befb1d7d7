import { useEffect, useRef, useState, type RefObject } from 'react';

/** An element's width in pixels, kept current as its panel is resized; on the given ref or a new one. */
export function useWidth<T extends HTMLElement>(given?: RefObject<T | null>): [RefObject<T | null>, number] {
  const own = useRef<T>(null);
  const ref = given ?? own;
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => entry && setWidth(entry.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return [ref, width];
}
