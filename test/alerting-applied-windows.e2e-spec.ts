import { type DataSource, openServiceDatabase } from '@airan/database';
import { ALERTING_MIGRATIONS } from '../apps/alerting/src/alerting.migrations';
import { AppliedWindowRepository } from '../apps/alerting/src/evaluation/applied-window.repository';
import { windowKey } from '../apps/alerting/src/evaluation/window-revisions';
import { dropDatabase, isolate } from './support/stack';

const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, s)).toISOString();

/**
 * What alerting applied of cell windows, against Postgres: the newest revision of each window and what
 * it observed, and the look-up that brings a batch's applied revisions with, when a rule compares windows,
 * each window's preceding applied window of its cell.
 */
describe('AppliedWindowRepository', () => {
  const isolation = isolate();
  const applied = new AppliedWindowRepository();
  let db: DataSource;

  beforeAll(async () => {
    db = await openServiceDatabase({ url: isolation.databaseUrl, schema: 'alerting', migrations: ALERTING_MIGRATIONS });
    await db.transaction((tx) =>
      applied.record(tx, [
        { cellId: 'c1', windowStart: at(0), revision: 0, observed: { thpDlMbps: 100 } },
        { cellId: 'c1', windowStart: at(5), revision: 0, observed: { thpDlMbps: 90 } },
        { cellId: 'c1', windowStart: at(5), revision: 2, observed: { thpDlMbps: 80 } },
        { cellId: 'c1', windowStart: at(20), revision: 0, observed: { thpDlMbps: 10 } },
        { cellId: 'c2', windowStart: at(5), revision: 1, observed: {} },
      ]),
    );
    // An older revision recorded later changes nothing.
    await db.transaction((tx) => applied.record(tx, [{ cellId: 'c1', windowStart: at(5), revision: 1, observed: { thpDlMbps: 1 } }]));
  });

  afterAll(async () => {
    await db.destroy();
    await dropDatabase(isolation);
  });

  const batch = [
    { cellId: 'c1', windowStart: at(5), revision: 3 },
    { cellId: 'c1', windowStart: at(10), revision: 0 },
    { cellId: 'c1', windowStart: at(0), revision: 1 },
    { cellId: 'c2', windowStart: at(5), revision: 2 },
    { cellId: 'c3', windowStart: at(5), revision: 0 },
  ];

  it('brings the newest applied revision of each window of the batch, and nothing for windows never applied', async () => {
    for (const withPreceding of [true, false]) {
      const { revisions } = await db.transaction((tx) => applied.lookup(tx, batch, withPreceding));
      expect(Object.fromEntries(revisions)).toEqual({ [windowKey('c1', at(5))]: 2, [windowKey('c1', at(0))]: 0, [windowKey('c2', at(5))]: 1 });
    }
  });

  it("brings each window's preceding applied window of its cell, with what the newest revision observed, only when asked", async () => {
    const { preceding } = await db.transaction((tx) => applied.lookup(tx, batch, true));
    expect(Object.fromEntries(preceding)).toEqual({
      [windowKey('c1', at(5))]: { start: Date.parse(at(0)), observed: { thpDlMbps: 100 } },
      [windowKey('c1', at(10))]: { start: Date.parse(at(5)), observed: { thpDlMbps: 80 } },
    });
    expect((await db.transaction((tx) => applied.lookup(tx, batch, false))).preceding.size).toBe(0);
  });
});
