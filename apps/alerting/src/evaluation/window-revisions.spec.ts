import { newerRevisions, windowKey } from './window-revisions';

const w = (cellId: string, minute: number, revision: number) => ({ cellId, windowStart: new Date(Date.UTC(2026, 11, 4, 9, minute)).toISOString(), revision });
const same = <T>(x: T) => x;

describe('newerRevisions', () => {
  it('keeps first sightings and newer revisions, in order', () => {
    const items = [w('c1', 0, 0), w('c2', 0, 0), w('c1', 1, 0), w('c1', 0, 1)];
    expect(newerRevisions(items, new Map(), same)).toEqual(items);
  });

  it('drops a re-published block that arrives after newer windows of the same cells', () => {
    const block = [w('c1', 0, 0), w('c1', 1, 0), w('c1', 2, 0), w('c2', 0, 0)];
    expect(newerRevisions([...block, w('c1', 3, 0), ...block], new Map(), same)).toEqual([...block, w('c1', 3, 0)]);
  });

  it('drops what an earlier batch applied (stored revisions), and an older revision after a newer one', () => {
    const applied = new Map([[windowKey('c1', w('c1', 0, 0).windowStart), 1]]);
    expect(newerRevisions([w('c1', 0, 0), w('c1', 0, 1), w('c1', 0, 2), w('c1', 0, 1)], applied, same)).toEqual([w('c1', 0, 2)]);
  });

  it('keys a window by its instant, however its start is written', () => {
    expect(windowKey('c1', '2026-12-04T09:00:00Z')).toBe(windowKey('c1', new Date('2026-12-04T09:00:00.000Z')));
  });
});
