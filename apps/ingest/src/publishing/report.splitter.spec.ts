import type { CellSample, TelemetryReport } from '@airan/contracts';
import { ReportItemTooLargeError, reportPartId, splitReport } from './report.splitter';

const cell = (i: number): CellSample => ({ cellId: `site-a-c${i % 7}`, ts: 1_795_856_400_000 + i * 1000, intervalMs: 1000, prbDlPct: 41.5, gpuMs: i });

const report = (cells: CellSample[], extra: Partial<TelemetryReport> = {}): TelemetryReport => ({
  schema: 'airan.telemetry/1',
  id: '0b3b8c52-7f7e-4a8c-8a55-2f5f2e9c6b01',
  operatorId: 'skt',
  siteId: 'site-a',
  keyId: 'key-1',
  receivedAt: 1_795_856_400_000,
  cells,
  gpus: [{ node: 'site-a-gpu01', device: '0', ts: 1_795_856_400_000, utilPct: 71 }],
  heartbeats: [1_795_856_400_000, 1_795_856_401_000],
  ...extra,
});

const bytes = (json: string) => Buffer.byteLength(json);

describe('splitReport', () => {
  it('keeps a report that fits whole, id and all', () => {
    const r = report([cell(1)]);
    expect(splitReport(r, 10_000)).toEqual([JSON.stringify(r)]);
  });

  it('cuts a larger one between items: each part under the limit, every item once and in order, the envelope on every part', () => {
    const fault = { sourceName: 'o-du', eventId: 'e1', sequence: 1, ts: 1, startTs: 1, alarmCondition: 'x', eventSeverity: 'MAJOR', specificProblem: 'y' };
    const r = report(Array.from({ length: 500 }, (_, i) => cell(i)), { faults: [fault] });
    const parts = splitReport(r, 4096).map((json) => ({ json, value: JSON.parse(json) as TelemetryReport }));
    expect(parts.length).toBeGreaterThan(5);
    for (const { json } of parts) expect(bytes(json)).toBeLessThanOrEqual(4096);
    const all = (field: 'cells' | 'gpus' | 'heartbeats' | 'faults') => parts.flatMap((p) => (p.value[field] ?? []) as unknown[]);
    expect(all('cells')).toEqual(r.cells);
    expect(all('gpus')).toEqual(r.gpus);
    expect(all('heartbeats')).toEqual(r.heartbeats);
    expect(all('faults')).toEqual(r.faults);
    // Only the parts that carry faults have the field, as an unsplit report without faults has none.
    expect(parts.filter((p) => 'faults' in p.value)).toHaveLength(1);
    for (const { value } of parts) expect(value).toMatchObject({ schema: r.schema, operatorId: 'skt', siteId: 'site-a', keyId: 'key-1', receivedAt: r.receivedAt });
    expect(parts.map((p) => p.value.id)).toEqual(parts.map((_, i) => reportPartId(r.id, i)));
    expect(new Set(parts.map((p) => p.value.id)).size).toBe(parts.length);
  });

  it('gives the same parts, ids included, for the same report and limit', () => {
    const r = report(Array.from({ length: 200 }, (_, i) => cell(i)));
    expect(splitReport(r, 2048)).toEqual(splitReport(r, 2048));
    expect(reportPartId(r.id, 0)).not.toBe(reportPartId('another-report', 0));
  });

  it('refuses an item that cannot fit even alone in a part, naming its kind', () => {
    const fault = { sourceName: 'o-du', eventId: 'e1', sequence: 1, ts: 1, startTs: 1, alarmCondition: 'x', eventSeverity: 'MAJOR', specificProblem: 'y'.repeat(5000) };
    expect(() => splitReport(report([], { faults: [fault] }), 4096)).toThrow(ReportItemTooLargeError);
    expect(() => splitReport(report([], { faults: [fault] }), 4096)).toThrow(/one fault entry of the report takes 5\d{3} bytes/);
  });
});
