import type { CellWindow } from '../api/types';
import { buildHeatmap, heatColour } from './heatmap.model';

const w = (cellId: string, siteId: string, windowStart: string, revision: number, inferenceLoad: number | null) =>
  ({ cellId, siteId, windowStart, revision, inferenceLoad, radioLoad: 0.3, headroom: inferenceLoad === null ? null : 0.7 - inferenceLoad }) as CellWindow;

describe('heatmap model', () => {
  it('lays cells out by site and cell against the most recent window starts', () => {
    const map = buildHeatmap(
      [w('b-1', 'b', 't1', 1, 0.5), w('a-2', 'a', 't2', 1, 0.2), w('a-1', 'a', 't0', 1, 0.9), w('a-1', 'a', 't2', 1, 0.4), w('b-1', 'b', 't2', 1, null)],
      'inferenceLoad',
      2,
    );
    expect(map.columns).toEqual(['t1', 't2']);
    expect(map.rows).toEqual([
      { cellId: 'a-1', siteId: 'a', values: [null, 0.4] },
      { cellId: 'a-2', siteId: 'a', values: [null, 0.2] },
      { cellId: 'b-1', siteId: 'b', values: [0.5, null] },
    ]);
  });

  it('keeps the highest revision of a window, in whatever order revisions arrive', () => {
    const map = buildHeatmap([w('c', 's', 't', 2, 0.6), w('c', 's', 't', 1, 0.1), w('c', 's', 't', 3, 0.8)], 'inferenceLoad', 5);
    expect(map.rows[0].values).toEqual([0.8]);
  });

  it('reads the chosen metric', () => {
    const map = buildHeatmap([w('c', 's', 't', 1, 0.25)], 'headroom', 5);
    expect(map.rows[0].values).toEqual([0.44999999999999996]);
  });

  it('colours hot as red and turns the scale round for headroom', () => {
    expect(heatColour(1, 'inferenceLoad')).toBe('hsl(0 70% 45%)');
    expect(heatColour(0, 'inferenceLoad')).toBe('hsl(120 70% 45%)');
    expect(heatColour(1, 'headroom')).toBe('hsl(120 70% 45%)');
    expect(heatColour(7, 'radioLoad')).toBe('hsl(0 70% 45%)');
    expect(heatColour(null, 'radioLoad')).toBe('var(--no-data)');
  });
});
