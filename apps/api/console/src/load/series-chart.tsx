import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  readonly label: string;
  readonly colour: string;
  readonly values: ReadonlyArray<number | null>;
}

/**
 * A time-series chart (uPlot: canvas, fast with thousands of points). `times` and `range` (the x axis,
 * fixed so that a few windows do not stretch over years) are epoch seconds; values are 0..1 ratios shown
 * as percentages on the axis and in the legend.
 */
export function SeriesChart({ title, times, series, range }: { title: string; times: readonly number[]; series: readonly Series[]; range: readonly [number, number] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const percent = (_: uPlot, value: number | null) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`);
    const chart = new uPlot(
      {
        title,
        width: Math.max(320, element.clientWidth),
        height: 260,
        series: [{ label: 'Window start' }, ...series.map((s) => ({ label: s.label, stroke: s.colour, width: 2, value: percent }))],
        axes: [{ stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } }, { stroke: 'currentColor', values: (_, ticks) => ticks.map((t) => `${Math.round(t * 100)} %`), grid: { stroke: 'rgba(128,128,128,0.2)' }, size: 60 }],
        scales: { x: { time: true, range: () => [range[0], range[1]] }, y: { range: [0, 1] } },
      },
      [times as number[], ...series.map((s) => s.values as Array<number | null>)],
      element,
    );
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(320, element.clientWidth), height: 260 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [title, times, series, range[0], range[1]]);
  return <div class="chart" ref={host} role="img" aria-label={`${title}: ${series.map((s) => s.label).join(', ')} over time`} />;
}
