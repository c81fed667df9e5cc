import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Renders only the rows in view (plus a few), so a 1,000-row table costs the same as a 30-row one.
 * Rows have a fixed height.
 */
export function VirtualRows({
  count,
  rowHeight,
  overscan = 8,
  renderRow,
  testId,
}: {
  count: number;
  rowHeight: number;
  overscan?: number;
  renderRow: (index: number, top: number) => ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) rows.push(renderRow(i, i * rowHeight));

  return (
    <div className="virtual-rows" ref={ref} data-testid={testId} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <div className="virtual-rows__spacer" style={{ height: count * rowHeight }} role="rowgroup">
        {rows}
      </div>
    </div>
  );
}
