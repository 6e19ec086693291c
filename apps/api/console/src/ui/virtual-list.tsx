import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Which rows a viewport of `height` px scrolled to `scrollTop` shows, with `overscan` rows either side. */
export function visibleRange(count: number, rowHeight: number, scrollTop: number, height: number, overscan = 8): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  return { first, last };
}

/**
 * A list that renders only the rows in view (10,000 alerts stay one screenful of DOM). Rows have a fixed
 * height; the spacer keeps the scrollbar true to the whole list. Rows are keyed by `keyOf`, not by position:
 * when a live update inserts a row above, each row's DOM and state (a button's busy flag) stay with its
 * item, so a click aimed at one alert never lands on the one that slid into its place.
 */
export function VirtualList<T>({ items, keyOf, rowHeight, height, label, render, role = 'list' }: { items: readonly T[]; keyOf: (item: T) => string; rowHeight: number; height: number; label: string; render: (item: T, index: number) => ComponentChildren; role?: 'list' | 'rowgroup' }) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    let frame = 0;
    const onScroll = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => setScrollTop(element.scrollTop));
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    return () => element.removeEventListener('scroll', onScroll);
  }, []);
  const { first, last } = visibleRange(items.length, rowHeight, scrollTop, height);
  return (
    <div ref={viewport} class="virtual" style={{ height: `${height}px` }} role={role} aria-label={label} tabIndex={0}>
      <div role="presentation" style={{ height: `${items.length * rowHeight}px`, position: 'relative' }}>
        {items.slice(first, last).map((item, offset) => (
          <div role={role === 'list' ? 'listitem' : 'presentation'} class="virtual-row" key={keyOf(item)} style={{ top: `${(first + offset) * rowHeight}px`, height: `${rowHeight}px` }}>
            {render(item, first + offset)}
          </div>
        ))}
      </div>
    </div>
  );
}
