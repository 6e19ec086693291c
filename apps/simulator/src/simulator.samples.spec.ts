import Ajv, { type ValidateFunction } from 'ajv';
import { NATIVE_BATCH_SCHEMA, NATIVE_RECORD_SCHEMAS, type NativeRecordType } from '@airan/contracts';
import { CELL_GPU_ALLOCATION, FLEET, OPERATOR_IDS, buildFleet, type OperatorId } from '@airan/demo-fleet';
import { createPrng } from '@airan/demo-fleet';
import { buildOperatorBatch, inferenceLoadOf, type NativeCellRecord, type NativeGpuRecord } from './simulator.samples';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
// 2025-03-12 11:00 UTC = 20:00 KST, a weekday evening.
const NOW = Date.UTC(2025, 2, 12, 11, 0, 0);
const INTERVAL = 5000;

const ajv = new Ajv({ allErrors: true, strict: true });
const validateBatch = ajv.compile(NATIVE_BATCH_SCHEMA);
const validators = Object.fromEntries(
  (Object.keys(NATIVE_RECORD_SCHEMAS) as NativeRecordType[]).map((type) => [type, ajv.compile(NATIVE_RECORD_SCHEMAS[type])]),
) as Record<NativeRecordType, ValidateFunction>;

function schemaErrors(record: { type: string }): string[] {
  const validate = validators[record.type as NativeRecordType];
  if (!validate) return [`unknown record type ${record.type}`];
  return validate(record) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('simulator fleet', () => {
  it('describes skt, kt and lguplus with sites, 3 cells each and one GPU node of 1-4 devices', () => {
    expect(FLEET.map((o) => o.id)).toEqual(['skt', 'kt', 'lguplus']);
    for (const operator of FLEET) {
      expect(operator.sites.length).toBeGreaterThanOrEqual(2);
      for (const site of operator.sites) {
        expect(site.id.startsWith(`${operator.id}-`)).toBe(true);
        expect(site.cells).toHaveLength(3);
        expect(site.gpuNode.devices.length).toBeGreaterThanOrEqual(1);
        expect(site.gpuNode.devices.length).toBeLessThanOrEqual(4);
      }
    }
  });

  it('uses ids that match the native id pattern and are unique', () => {
    const ids = FLEET.flatMap((o) => o.sites.flatMap((s) => [s.id, s.gpuNode.hostname, ...s.cells.map((c) => c.id)]));
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('skt-seoul-gangnam-01');
    expect(ids).toContain('skt-seoul-gangnam-01-c1');
  });

  it('is deterministic and frozen', () => {
    expect(buildFleet()).toEqual(FLEET);
    expect(Object.isFrozen(FLEET[0].sites[0].cells[0])).toBe(true);
  });
});

describe('buildOperatorBatch', () => {
  it.each(OPERATOR_IDS)('builds a %s batch whose every record validates against the native schemas', (operatorId: OperatorId) => {
    const batch = buildOperatorBatch(operatorId, NOW, INTERVAL, createPrng(42));
    expect(validateBatch(batch)).toBe(true);
    const problems = batch.records.flatMap((r, i) => schemaErrors(r).map((e) => `records[${i}] (${r.type})${e}`));
    expect(problems).toEqual([]);
  });

  it('has a cell record per cell, a gpu record per device and a heartbeat per site, all stamped now', () => {
    const operator = FLEET.find((o) => o.id === 'skt')!;
    const batch = buildOperatorBatch('skt', NOW, INTERVAL, createPrng(1));
    const ts = new Date(NOW).toISOString();
    const byType = (type: string) => batch.records.filter((r) => r.type === type);
    expect(byType('cell').map((r) => (r as NativeCellRecord).cellId)).toEqual(operator.sites.flatMap((s) => s.cells.map((c) => c.id)));
    expect(byType('gpu').map((r) => `${(r as NativeGpuRecord).node}/${(r as NativeGpuRecord).device}`)).toEqual(
      operator.sites.flatMap((s) => s.gpuNode.devices.map((d) => `${s.gpuNode.hostname}/${d.id}`)),
    );
    expect(byType('heartbeat').map((r) => r.siteId)).toEqual(operator.sites.map((s) => s.id));
    for (const r of batch.records) expect(r.ts).toBe(ts);
    for (const r of byType('cell')) expect((r as NativeCellRecord).intervalMs).toBe(INTERVAL);
  });

  it('only reports sites of the requested operator', () => {
    const batch = buildOperatorBatch('lguplus', NOW, INTERVAL, createPrng(7));
    for (const r of batch.records) expect(r.siteId.startsWith('lguplus-')).toBe(true);
  });

  it('is deterministic for a fixed seed and varies with the seed', () => {
    const a = buildOperatorBatch('kt', NOW, INTERVAL, createPrng(1234));
    const b = buildOperatorBatch('kt', NOW, INTERVAL, createPrng(1234));
    const c = buildOperatorBatch('kt', NOW, INTERVAL, createPrng(1235));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  it('keeps inference load mostly within 0.3-0.9, following the daily curve, and sometimes above 1', () => {
    const rng = createPrng(99);
    const loads: number[] = [];
    const peak: number[] = [];
    const trough: number[] = [];
    // Two simulated days, one batch per 5 minutes, all operators.
    for (let t = NOW; t < NOW + 2 * 86_400_000; t += 300_000) {
      for (const op of OPERATOR_IDS) {
        for (const r of buildOperatorBatch(op, t, INTERVAL, rng).records) {
          if (r.type !== 'cell') continue;
          const load = inferenceLoadOf(r);
          loads.push(load);
          // Gangnam peaks at 19:00 KST (10:00 UTC) and is quietest at 07:00 KST (22:00 UTC).
          const hourUtc = new Date(t).getUTCHours();
          if (r.siteId === 'skt-seoul-gangnam-01' && hourUtc === 10) peak.push(load);
          if (r.siteId === 'skt-seoul-gangnam-01' && hourUtc === 22) trough.push(load);
        }
      }
    }
    const inBand = loads.filter((l) => l >= 0.3 && l <= 0.9).length / loads.length;
    const over = loads.filter((l) => l > 1).length / loads.length;
    expect(inBand).toBeGreaterThan(0.85);
    expect(over).toBeGreaterThan(0.005);
    expect(over).toBeLessThan(0.1);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    expect(median(peak)).toBeGreaterThan(0.75);
    expect(median(trough)).toBeLessThan(0.45);
  });

  it('keeps GPU shares consistent: radio + AI share of a device never exceeds 1', () => {
    const rng = createPrng(5);
    for (let t = NOW; t < NOW + 86_400_000; t += 900_000) {
      for (const op of OPERATOR_IDS) {
        for (const r of buildOperatorBatch(op, t, INTERVAL, rng).records) {
          if (r.type !== 'gpu') continue;
          expect(r.radioShare + r.aiShare).toBeLessThanOrEqual(1 + 1e-9);
          expect(r.utilPct).toBeGreaterThanOrEqual(0);
          expect(r.utilPct).toBeLessThanOrEqual(100);
        }
      }
    }
  });

  it('derives gpuMs from the cell allocation and interval', () => {
    const batch = buildOperatorBatch('skt', NOW, 60_000, createPrng(3));
    for (const r of batch.records) {
      if (r.type !== 'cell') continue;
      expect(r.gpuMs).toBeLessThanOrEqual(2.5 * CELL_GPU_ALLOCATION * 60_000);
      expect(r.inferenceTokens).toBeGreaterThanOrEqual(r.inferenceRequests);
    }
  });

  it('rejects a bad interval or time', () => {
    expect(() => buildOperatorBatch('skt', NOW, 0, createPrng(1))).toThrow(RangeError);
    expect(() => buildOperatorBatch('skt', NaN, INTERVAL, createPrng(1))).toThrow(RangeError);
  });
});
