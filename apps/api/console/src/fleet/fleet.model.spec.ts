import type { Site } from '../api/registry';
import type { AlertEvent, CellWindow } from '../api/types';
import { loadLevel, siteStatuses } from './fleet.model';

const site = (id: string): Site => ({ id, name: id, operatorId: 'kt', latitude: 37.5, longitude: 127 });
const window = (cellId: string, siteId: string, windowStart: string, inferenceLoad: number | null) => ({ cellId, siteId, windowStart, inferenceLoad }) as CellWindow;
const alert = (site: string, status: AlertEvent['status']) => ({ labels: { site }, status }) as unknown as AlertEvent;

describe('fleet model', () => {
  it("colours a site by its worst cell's latest window, not by an older hotter one", () => {
    const [a] = siteStatuses(
      [site('a')],
      [window('c1', 'a', '2026-12-05T00:00:00Z', 0.95), window('c1', 'a', '2026-12-05T00:01:00Z', 0.4), window('c2', 'a', '2026-12-05T00:01:00Z', 0.7)],
      [],
    );
    expect(a).toMatchObject({ worstLoad: 0.7, worstCell: 'c2', cells: 2 });
    expect(loadLevel(a.worstLoad)).toBe('warm');
  });

  it('counts active alerts per site and leaves resolved ones out', () => {
    const [a, b] = siteStatuses([site('a'), site('b')], [], [alert('a', 'firing'), alert('a', 'nodata'), alert('a', 'pending'), alert('a', 'resolved'), alert('c', 'firing')]);
    expect(a).toMatchObject({ firing: 2, pending: 1, worstLoad: null });
    expect(b).toMatchObject({ firing: 0, pending: 0 });
    expect(loadLevel(b.worstLoad)).toBe('unknown');
  });

  it('bands inference load', () => {
    expect([0, 0.59, 0.6, 0.849, 0.85, 1.2].map(loadLevel)).toEqual(['ok', 'ok', 'warm', 'warm', 'hot', 'hot']);
  });
});
