import { newerRevisions, precedingObservations, windowKey } from './window-revisions';

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

describe('precedingObservations', () => {
  const applied = (cellId: string, minute: number, revision: number, thpDlMbps: number) => ({ ...w(cellId, minute, revision), observed: { thpDlMbps } });
  const at = (minute: number) => new Date(Date.UTC(2026, 11, 4, 9, minute)).getTime();

  it('gives each window what Postgres held of its cell before it, or nothing', () => {
    const stored = new Map([[windowKey('c1', w('c1', 5, 0).windowStart), { start: at(4), observed: { thpDlMbps: 100 } }]]);
    expect(precedingObservations([applied('c1', 5, 0, 60), applied('c2', 5, 0, 80)], stored)).toEqual([{ thpDlMbps: 100 }, {}]);
  });

  it('chains windows of one cell within the batch, the newest earlier start winning over what Postgres held', () => {
    const stored = new Map([
      [windowKey('c1', w('c1', 5, 0).windowStart), { start: at(4), observed: { thpDlMbps: 100 } }],
      [windowKey('c1', w('c1', 6, 0).windowStart), { start: at(4), observed: { thpDlMbps: 100 } }],
    ]);
    expect(precedingObservations([applied('c1', 5, 0, 60), applied('c1', 6, 0, 50)], stored)).toEqual([{ thpDlMbps: 100 }, { thpDlMbps: 60 }]);
  });

  it('compares a revision with the window before it, and a later window with the newest revision of its predecessor', () => {
    const batch = [applied('c1', 5, 0, 60), applied('c1', 6, 0, 50), applied('c1', 5, 1, 90), applied('c1', 7, 0, 40), applied('c1', 6, 1, 45)];
    const stored = new Map([[windowKey('c1', w('c1', 5, 0).windowStart), { start: at(4), observed: { thpDlMbps: 100 } }]]);
    expect(precedingObservations(batch, stored)).toEqual([{ thpDlMbps: 100 }, { thpDlMbps: 60 }, { thpDlMbps: 100 }, { thpDlMbps: 50 }, { thpDlMbps: 90 }]);
  });
});
