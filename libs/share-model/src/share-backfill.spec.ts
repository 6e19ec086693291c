import type { Grant } from '@airan/contracts';
import type { ShareProduct } from '@airan/contracts';
import { HISTORY_SOURCE, backfillView, readSourceEvent, reachedSeam } from './share-backfill';
import { canonicalForm, shareView } from './share-view';

const grant: Grant = { id: 'late', partnerId: 'kaist', products: ['cell-load', 'alerts', 'telemetry'], operatorIds: ['skt'], redact: ['tokens'], validFrom: '2026-12-01T00:00:00Z', validUntil: '2026-12-10T00:00:00Z' };
const pilotOfSite = () => undefined;
const cellLoad = (id: string, windowStart: string) => ({ schema: 'airan.cell-load/1', id, operatorId: 'skt', siteId: 'skt-a', cellId: 'skt-a-c1', pilotId: null, windowStart, tokens: 5, requests: 2, sourceTraceIds: [] });
const at = (iso: string) => Date.parse(iso);
const history = (id: string, windowStart: string) => ({ key: 'skt-a-c1', event: cellLoad(id, windowStart), at: at(windowStart) });
const NONE = new Set<string>();

/** The time a product read back from its topic is measured at (throws for a product rebuilt from Postgres). */
function historyTimeOf(product: ShareProduct, event: object): number {
  const source = HISTORY_SOURCE[product];
  if (source.from !== 'topic') throw new Error(`${product} is not read back from its topic`);
  return source.timeOf(event);
}

describe('backfillView', () => {
  it("gives what the grant covers within its window, redacted as the live path redacts it", () => {
    const view = backfillView(grant, [], 'cell-load', history('e1', '2026-12-02T00:00:00.000Z'), NONE, pilotOfSite);
    expect(view).toEqual({ schema: 'airan.cell-load/1', id: 'e1', operatorId: 'skt', siteId: 'skt-a', cellId: 'skt-a-c1', pilotId: null, windowStart: '2026-12-02T00:00:00.000Z', requests: 2 });
    // The same bytes as the live copy of the event while the grant is in force.
    expect(JSON.stringify(view)).toBe(JSON.stringify(shareView([grant], 'cell-load', cellLoad('e1', '2026-12-02T00:00:00.000Z'), at('2026-12-05T00:00:00Z'), pilotOfSite)));
  });

  it('gives nothing before validFrom, from validUntil on, or outside its operators, pilots and sites', () => {
    expect(backfillView(grant, [], 'cell-load', history('e0', '2026-11-30T23:59:00.000Z'), NONE, pilotOfSite)).toBeUndefined();
    expect(backfillView(grant, [], 'cell-load', history('e9', '2026-12-10T00:00:00.000Z'), NONE, pilotOfSite)).toBeUndefined();
    expect(backfillView({ ...grant, operatorIds: ['kt'] }, [], 'cell-load', history('e1', '2026-12-02T00:00:00.000Z'), NONE, pilotOfSite)).toBeUndefined();
  });

  it('leaves to the live path the events it reads from the seam on', () => {
    expect(backfillView(grant, [], 'cell-load', history('e1', '2026-12-02T00:00:00.000Z'), new Set(['e1']), pilotOfSite)).toBeUndefined();
  });

  it("does not copy again what another of the partner's grants gives; another partner's grants do not matter", () => {
    const other: Grant = { ...grant, id: 'earlier', siteIds: ['skt-a'], operatorIds: [] };
    expect(backfillView(grant, [other], 'cell-load', history('e1', '2026-12-02T00:00:00.000Z'), NONE, pilotOfSite)).toBeUndefined();
    expect(backfillView(grant, [{ ...other, partnerId: 'etri' }], 'cell-load', history('e1', '2026-12-02T00:00:00.000Z'), NONE, pilotOfSite)).toBeDefined();
  });

  it('rebuilds cell-load and alerts from Postgres, rollups and telemetry from their topic', () => {
    const from = Object.fromEntries(Object.entries(HISTORY_SOURCE).map(([product, source]) => [product, source.from]));
    expect(from).toEqual({ 'cell-load': 'postgres', alerts: 'postgres', rollups: 'topic', telemetry: 'topic' });
  });
});

describe('HISTORY_SOURCE timeOf', () => {
  it("measures a rollup at its window's start and a report at its reception; NaN when the event does not say", () => {
    expect(historyTimeOf('rollups', { windowStart: '2026-12-02T00:05:00.000Z', receivedAt: 1 })).toBe(at('2026-12-02T00:05:00Z'));
    expect(historyTimeOf('telemetry', { receivedAt: 1764633600000, windowStart: '2026-12-02T00:05:00.000Z' })).toBe(1764633600000);
    expect(historyTimeOf('rollups', {})).toBeNaN();
    expect(historyTimeOf('telemetry', {})).toBeNaN();
  });

  it('gives nothing for an event without its time: no window holds NaN', () => {
    const report = { schema: 'airan.telemetry/1', id: 'r1', operatorId: 'skt', siteId: 'skt-a', keyId: 'k', cells: [], gpus: [], heartbeats: [] };
    expect(backfillView(grant, [], 'telemetry', { key: 'skt-a', event: report, at: historyTimeOf('telemetry', report) }, NONE, pilotOfSite)).toBeUndefined();
    const timed = { ...report, receivedAt: at('2026-12-02T00:00:00Z') };
    const view = backfillView(grant, [], 'telemetry', { key: 'skt-a', event: timed, at: historyTimeOf('telemetry', timed) }, NONE, pilotOfSite);
    expect(view).toMatchObject({ id: 'r1', receivedAt: timed.receivedAt });
    expect(view).not.toHaveProperty('keyId');
  });
});

describe('readSourceEvent', () => {
  it('reads a JSON object, and says why anything else is not shared', () => {
    expect(readSourceEvent(Buffer.from('{"schema":"airan.rollup/1","id":"x"}'))).toEqual({ event: { schema: 'airan.rollup/1', id: 'x' } });
    expect(readSourceEvent(Buffer.from('{"id":"x"}'))).toEqual({ event: { id: 'x' } });
    for (const value of [null, Buffer.from('not json'), Buffer.from('3'), Buffer.from('"text"'), Buffer.from('null')]) expect(readSourceEvent(value)).toEqual({ skipped: 'unreadable' });
    expect(readSourceEvent(Buffer.from('{"schema":"airan.rollup/2","id":"x"}'))).toEqual({ skipped: 'unknown-schema', schema: 'airan.rollup/2' });
  });
});

describe('canonicalForm', () => {
  it('writes an event read back from jsonb (keys reordered) byte for byte as the event itself', () => {
    const alert = { schema: 'airan.alert/1', id: 'a1', fingerprint: '0123456789abcdef', ruleId: 'r', status: 'firing', change: 'state', labels: { site: 's', operator: 'skt', alertname: 'X' }, annotations: { summary: 's', description: 'd' }, value: 0.3 };
    const jsonbOrder = { id: 'a1', value: 0.3, labels: { site: 's', operator: 'skt', alertname: 'X' }, change: 'state', ruleId: 'r', schema: 'airan.alert/1', status: 'firing', annotations: { description: 'd', summary: 's' }, fingerprint: '0123456789abcdef' };
    expect(JSON.stringify(canonicalForm('alerts', jsonbOrder))).toBe(JSON.stringify(canonicalForm('alerts', alert)));
    expect(Object.keys(canonicalForm('alerts', jsonbOrder))).toEqual(Object.keys(alert));
    expect(Object.keys(canonicalForm('alerts', alert).labels as object)).toEqual(['alertname', 'operator', 'site']);
  });
});

describe('reachedSeam', () => {
  it('holds once every partition is read up to the seam; one the seam places at 0 needs nothing', () => {
    const seam = new Map([[0, 5], [1, 0], [2, 3]]);
    expect(reachedSeam(new Map([[0, 5n], [2, 4n]]), seam)).toBe(true);
    expect(reachedSeam(new Map([[0, 4n], [2, 4n]]), seam)).toBe(false);
    expect(reachedSeam(new Map([[0, 5n]]), seam)).toBe(false);
  });
});
