import type { RecordError, SiteAdmission } from './record-error';
import { attr, bounds, cellPoint, declaring, deltaSum, formatError, gauge, gpuPoint, type Json, nsBefore, request, SITE, T_NS, TS } from './otlp.fixtures';
import { parseOtlpMetrics } from './otlp.parser';

describe('parseOtlpMetrics', () => {
  it('maps an OTLP export with cell, AI and DCGM metrics, merging points of the same cell and time', () => {
    const body = {
      resourceMetrics: [
        {
          resource: {
            attributes: [
              attr('airan.site.id', 'site-muc-01'),
              attr('airan.operator.id', 'someone-else'), // ignored: the API key decides the operator
              attr('service.name', 'inference-gateway'),
              attr('host.name', 'aerial-01'),
            ],
          },
          scopeMetrics: [
            {
              scope: { name: 'airan.inference', version: '1.4.0' },
              metrics: [
                { ...deltaSum('airan.inference.requests', [cellPoint('c1', { asInt: '1200' }), cellPoint('c2', { asInt: '300' })]), unit: '{request}' },
                { ...deltaSum('airan.inference.tokens', [cellPoint('c1', { asInt: '384000' })]), unit: '{token}' },
                deltaSum('airan.inference.gpu_ms', [cellPoint('c1', { asDouble: 95400.5 })]),
                gauge('airan.inference.latency_p95_ms', [cellPoint('c1', { asDouble: 41.7 })], 'ms'),
                { name: 'http.server.request.duration', unit: 's', histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: T_NS, count: '3', sum: 0.3 }] } },
              ],
            },
            {
              scope: { name: 'ran-pm-bridge' },
              metrics: [
                gauge('RRU.PrbTotDl', [cellPoint('c1', { asDouble: 63.5 })], '%'),
                gauge('DRB.UEThpDl', [cellPoint('c1', { asDouble: 152340 })], 'kbit/s'),
                gauge('DRB.UEThpUl', [cellPoint('c2', { asDouble: 20.5 })], 'Mbit/s'),
                gauge('RRU.PrbUsedDl', [cellPoint('c2', { asInt: '137' })], '{PRB}'),
                gauge('RRU.PrbAvailDl', [cellPoint('c2', { asInt: '273' })], '{PRB}'),
              ],
            },
            {
              scope: { name: 'dcgm-exporter-bridge' },
              metrics: [
                gauge('DCGM_FI_DEV_GPU_UTIL', [gpuPoint('0', { asInt: '71' })]),
                gauge('DCGM_FI_DEV_POWER_USAGE', [gpuPoint('0', { asDouble: 312.5 })], 'W'),
                // MIG slice; node from the resource attribute host.name, device as an intValue.
                gauge('DCGM_FI_PROF_GR_ENGINE_ACTIVE', [{ attributes: [attr('gpu.id', { intValue: '1' }), attr('GPU_I_ID', '2')], timeUnixNano: T_NS, asDouble: 0.57 }], '1'),
                gauge('airan.gpu.ai_share', [{ attributes: [attr('host.name', 'aerial-01'), attr('gpu.id', '0')], timeUnixNano: T_NS, asDouble: 0.4 }]),
              ],
            },
          ],
        },
      ],
    };
    const result = parseOtlpMetrics(body, bounds);
    expect(result).toEqual({
      sites: [
        {
          siteId: 'site-muc-01',
          cells: [
            { cellId: 'c1', ts: TS, intervalMs: 60_000, prbDlPct: 63.5, thpDlMbps: 152.34, inferenceRequests: 1200, inferenceTokens: 384000, gpuMs: 95400.5, latencyP95Ms: 41.7 },
            { cellId: 'c2', ts: TS, intervalMs: 60_000, prbDlPct: 50.1831501831502, thpUlMbps: 20.5, inferenceRequests: 300 },
          ],
          gpus: [
            { node: 'aerial-01', device: '0', ts: TS, utilPct: 71, aiShare: 0.4, powerW: 312.5 },
            { node: 'aerial-01', device: '1/mig2', ts: TS, utilPct: 57 },
          ],
          heartbeats: [],
        },
      ],
      rejected: [],
      accepted: 15,
      ignoredMetrics: ['http.server.request.duration'],
      ignoredRecords: 1,
    });
  });

  it('maps DCGM_FI_DEV_GPU_TEMP to tempC, in Cel or without a unit, sub-zero readings included', () => {
    const result = parseOtlpMetrics(
      request([
        gauge('DCGM_FI_DEV_GPU_TEMP', [gpuPoint('0', { asInt: '67' }), gpuPoint('1', { asDouble: -12.5 })], 'Cel'),
        gauge('DCGM_FI_DEV_GPU_TEMP', [gpuPoint('2', { asDouble: '150' })]),
        gauge('DCGM_FI_DEV_POWER_USAGE', [gpuPoint('0', { asDouble: 312.5 })], 'W'),
      ]),
      bounds,
    );
    expect(result).toMatchObject({ accepted: 4, rejected: [], ignoredMetrics: [] });
    expect(result.sites[0].gpus).toEqual([
      { node: 'aerial-01', device: '0', ts: TS, powerW: 312.5, tempC: 67 },
      { node: 'aerial-01', device: '1', ts: TS, tempC: -12.5 },
      { node: 'aerial-01', device: '2', ts: TS, tempC: 150 },
    ]);
  });

  it('converts timeUnixNano above 2^53 with BigInt, exact to the millisecond', () => {
    expect(BigInt(T_NS)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    // Through a JS number the same timestamp lands a millisecond late:
    expect(Math.floor(Number(T_NS) / 1e6)).toBe(TS + 1);
    const result = parseOtlpMetrics(request([gauge('RRU.PrbTotDl', [cellPoint('c1', { asDouble: 1 })])]), bounds);
    expect(result.sites[0].cells[0].ts).toBe(TS);
    expect(result.sites[0].cells[0].intervalMs).toBe(60_000);
  });

  it("rounds a delta sum's interval to the nearest millisecond", () => {
    const start = (BigInt(T_NS) - 14_999_500_000n).toString();
    const result = parseOtlpMetrics(request([deltaSum('airan.inference.requests', [cellPoint('c1', { asInt: '1' }, { startTimeUnixNano: start })])]), bounds);
    expect(result.sites[0].cells[0].intervalMs).toBe(15_000);
  });

  it('keeps points of the same cell at different times as separate samples, and accepts equal repeats', () => {
    const later = (BigInt(T_NS) + 60_000_000_000n).toString();
    const result = parseOtlpMetrics(
      request([gauge('RRU.PrbTotDl', [cellPoint('c1', { asDouble: 10 }), cellPoint('c1', { asDouble: 20 }, { startTimeUnixNano: T_NS, timeUnixNano: later }), cellPoint('c1', { asDouble: 10 })])]),
      bounds,
    );
    expect(result.rejected).toEqual([]);
    expect(result.sites[0].cells.map((c) => [c.ts, c.prbDlPct])).toEqual([
      [TS, 10],
      [TS + 60_000, 20],
    ]);
  });

  it('accepts Prometheus-style aliases and a cumulative sum of a level metric', () => {
    const result = parseOtlpMetrics(request([deltaSum('RRU_PrbTotUl', [cellPoint('c1', { asDouble: 12 })], 2)]), bounds);
    expect(result.sites[0].cells).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 60_000, prbUlPct: 12 }]);
  });

  it('uses defaultCellIntervalMs as the interval of a resource that declares none', () => {
    const point = { attributes: [attr('airan.cell.id', 'c1')], timeUnixNano: T_NS, startTimeUnixNano: '0', asDouble: 5 };
    const result = parseOtlpMetrics(request([gauge('RRU.PrbTotDl', [point])]), bounds, { defaultCellIntervalMs: 15_000 });
    expect(result.sites[0].cells).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 15_000, prbDlPct: 5 }]);
  });

  it('ignores points flagged "no recorded value" and unknown metrics, counting them as accepted', () => {
    const result = parseOtlpMetrics(request([gauge('RRU.PrbTotDl', [cellPoint('c1', {}, { flags: 1 })]), gauge('vendor.temp', [{ asDouble: 1 }, { asDouble: 2 }])]), bounds);
    expect(result).toEqual({ sites: [], rejected: [], accepted: 3, ignoredMetrics: ['vendor.temp'], ignoredRecords: 3 });
  });

  it('accepts an empty export', () => {
    expect(parseOtlpMetrics({}, bounds)).toEqual({ sites: [], rejected: [], accepted: 0, ignoredMetrics: [], ignoredRecords: 0 });
    expect(parseOtlpMetrics({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'x' }] }] }] }, bounds).accepted).toBe(0);
  });

  describe('whole-request errors', () => {
    it.each([
      ['a body that is not an object', 'metrics', [{ path: '$', code: 'INVALID_TYPE', message: 'expected an object, got string' }]],
      ['resourceMetrics that is not an array', { resourceMetrics: {} }, [{ path: '$.resourceMetrics', code: 'INVALID_TYPE', message: 'must be an array, got object' }]],
      ['a resourceMetrics entry that is not an object', { resourceMetrics: [null] }, [{ path: '$.resourceMetrics[0]', code: 'INVALID_TYPE', message: 'must be an object, got null' }]],
      ['resource attributes that are not an array', { resourceMetrics: [{ resource: { attributes: {} } }] }, [{ path: '$.resourceMetrics[0].resource.attributes', code: 'INVALID_TYPE', message: 'must be an array, got object' }]],
      ['scopeMetrics that is not an array', { resourceMetrics: [{ scopeMetrics: 1 }] }, [{ path: '$.resourceMetrics[0].scopeMetrics', code: 'INVALID_TYPE', message: 'must be an array, got number' }]],
      ['a metric without a name', request([{ gauge: { dataPoints: [] } }]), [{ path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0].name', code: 'MISSING_FIELD', message: 'a metric needs a non-empty name' }]],
      ['a metric with a gauge and a sum', request([{ name: 'RRU.PrbTotDl', gauge: { dataPoints: [] }, sum: { dataPoints: [] } }]), [{ path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0]', code: 'INVALID_VALUE', message: 'a metric has exactly one of gauge, sum, histogram, exponentialHistogram, summary; got gauge and sum' }]],
      ['dataPoints that is not an array', request([{ name: 'RRU.PrbTotDl', gauge: { dataPoints: 'x' } }]), [{ path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints', code: 'INVALID_TYPE', message: 'must be an array, got string' }]],
    ])('throws MALFORMED_BODY for %s', (_what, body, errors) => {
      const error = formatError(() => parseOtlpMetrics(body, bounds));
      expect(error.code).toBe('MALFORMED_BODY');
      expect(error.errors).toEqual(errors);
    });

    it('throws INVALID_CONTEXT for an invalid defaultCellIntervalMs', () => {
      expect(formatError(() => parseOtlpMetrics({}, bounds, { defaultCellIntervalMs: 0 })).code).toBe('INVALID_CONTEXT');
    });
  });
});

describe('parseOtlpMetrics: cell intervals (a gauge is a point in time)', () => {
  const prb = (value: number, extra: Json = {}, cell = 'c1'): Json => cellPoint(cell, { asDouble: value }, extra);
  const cellsOf = (metrics: unknown[], resource: unknown[] = SITE, options = {}) => {
    const result = parseOtlpMetrics(request(metrics, resource), bounds, options);
    expect(result.rejected).toEqual([]);
    return result.sites[0].cells;
  };
  const NINETY_MIN = 90 * 60_000;

  it('gives a cumulative gauge whose start is the agent start, 90 minutes back, the default interval (not its uptime)', () => {
    expect(cellsOf([gauge('RRU.PrbTotDl', [prb(40, { startTimeUnixNano: nsBefore(NINETY_MIN) })])])).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 60_000, prbDlPct: 40 }]);
  });

  it('treats a cumulative sum of a level metric (an up-down counter) like a gauge: its start is the series start', () => {
    expect(cellsOf([deltaSum('RRC.ConnMean', [cellPoint('c1', { asInt: '37' }, { startTimeUnixNano: nsBefore(NINETY_MIN) })], 2)])).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 60_000, rrcConnectedUes: 37 }]);
  });

  it("accepts an observable gauge's first export, whose start equals its time", () => {
    expect(cellsOf([gauge('RRU.PrbTotDl', [prb(40, { startTimeUnixNano: T_NS })])])).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 60_000, prbDlPct: 40 }]);
  });

  it('accepts gauges forwarded by a Collector, without a start time or with "0"', () => {
    expect(cellsOf([gauge('RRU.PrbTotDl', [prb(40, { startTimeUnixNano: undefined }), prb(50, { startTimeUnixNano: '0' }, 'c2')])])).toEqual([
      { cellId: 'c1', ts: TS, intervalMs: 60_000, prbDlPct: 40 },
      { cellId: 'c2', ts: TS, intervalMs: 60_000, prbDlPct: 50 },
    ]);
  });

  it('takes the interval the resource declares in airan.interval_ms, over the caller default, as intValue or stringValue (OTEL_RESOURCE_ATTRIBUTES)', () => {
    const metrics = [gauge('RRU.PrbTotDl', [prb(40, { startTimeUnixNano: nsBefore(NINETY_MIN) })])];
    expect(cellsOf(metrics, declaring(15_000))[0].intervalMs).toBe(15_000);
    expect(cellsOf(metrics, declaring({ intValue: 15_000 }))[0].intervalMs).toBe(15_000);
    expect(cellsOf(metrics, declaring({ stringValue: '15000' }), { defaultCellIntervalMs: 30_000 })[0].intervalMs).toBe(15_000);
    expect(cellsOf(metrics, SITE, { defaultCellIntervalMs: 30_000 })[0].intervalMs).toBe(30_000);
  });

  it('merges a sync and an observable gauge of the same cell and time, whatever their start times (185 and 189 ms ago)', () => {
    const sync = gauge('RRU.PrbTotDl', [prb(40, { startTimeUnixNano: nsBefore(185) })]);
    const observable = gauge('RRC.ConnMean', [cellPoint('c1', { asInt: '12' }, { startTimeUnixNano: nsBefore(189) })]);
    expect(cellsOf([sync, observable], declaring(15_000))).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 15_000, prbDlPct: 40, rrcConnectedUes: 12 }]);
  });

  it('keeps one value when a sync and an observable gauge report the same metric, cell and time and agree; the later one is CONFLICTING_VALUE when they differ', () => {
    const sync = (value: number) => gauge('RRU.PrbTotDl', [prb(value, { startTimeUnixNano: nsBefore(NINETY_MIN) })]);
    const observable = (value: number) => gauge('RRU.PrbTotDl', [prb(value, { startTimeUnixNano: T_NS })]);
    expect(cellsOf([sync(40), observable(40)])).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 60_000, prbDlPct: 40 }]);
    const differing = parseOtlpMetrics(request([sync(40), observable(41)]), bounds);
    expect(differing.sites[0].cells).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 60_000, prbDlPct: 40 }]);
    expect(differing.rejected).toEqual([
      {
        index: 1,
        siteId: 'site-muc-01',
        errors: [{ path: '$.resourceMetrics[0].scopeMetrics[0].metrics[1].gauge.dataPoints[0].asDouble', code: 'CONFLICTING_VALUE', message: `RRU.PrbTotDl 41 conflicts with 40 from RRU.PrbTotDl (record 0) for the same cell c1 at ${TS}` }],
        raw: request([observable(41)]),
      },
    ]);
  });

  it("gives the gauges of a cell and time the interval a delta sum measured (export jitter), before or after it in the request", () => {
    const counter = deltaSum('airan.inference.requests', [cellPoint('c1', { asInt: '1240' }, { startTimeUnixNano: nsBefore(15_003) })]);
    const prbGauge = gauge('RRU.PrbTotDl', [prb(40, { startTimeUnixNano: nsBefore(NINETY_MIN) })]);
    const expected = [{ cellId: 'c1', ts: TS, intervalMs: 15_003, prbDlPct: 40, inferenceRequests: 1240 }];
    expect(cellsOf([prbGauge, counter], declaring(15_000))).toEqual(expected);
    expect(cellsOf([counter, prbGauge], declaring(15_000))).toEqual(expected);
  });

  it('gives a delta sum without a start time the declared interval, when one is declared', () => {
    const counter = deltaSum('airan.inference.requests', [cellPoint('c1', { asInt: '5' }, { startTimeUnixNano: undefined })]);
    expect(cellsOf([counter], declaring(15_000))).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 15_000, inferenceRequests: 5 }]);
    expect(cellsOf([counter], SITE, { defaultCellIntervalMs: 30_000 })).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 30_000, inferenceRequests: 5 }]);
  });

  it('needs no interval for GPU points: an invalid airan.interval_ms does not touch them', () => {
    const result = parseOtlpMetrics(request([gauge('DCGM_FI_DEV_GPU_UTIL', [gpuPoint('0', { asInt: '71' }, { startTimeUnixNano: nsBefore(NINETY_MIN) })])], declaring('soon')), bounds);
    expect(result).toMatchObject({ rejected: [], sites: [{ gpus: [{ node: 'aerial-01', device: '0', ts: TS, utilPct: 71 }] }] });
  });
});

describe('parseOtlpMetrics: site admission', () => {
  /** Admits every site but two: site-kt-01 (another operator's) and nowhere-01 (not in the registry). */
  function refusingAdmission(): jest.Mock<RecordError | undefined, Parameters<SiteAdmission>> {
    return jest.fn((siteId: string, path: string): RecordError | undefined => {
      if (siteId === 'site-kt-01') return { path, code: 'SITE_NOT_OWNED', message: `site "${siteId}" belongs to another operator` };
      if (siteId === 'nowhere-01') return { path, code: 'UNKNOWN_SITE', message: `site "${siteId}" is not in the pilot registry` };
      return undefined;
    });
  }
  const scope = { name: 'airan-test' };
  const resource = (attributes: unknown[], metrics: unknown[]): Json => ({ resource: { attributes }, scopeMetrics: [{ scope, metrics }] });
  /** The one-point raw of a rejected point: its resource, scope and metric with only that point. */
  const raw = (attributes: unknown[], name: string, point: unknown): Json => ({ resourceMetrics: [resource(attributes, [gauge(name, [point])])] });

  const muc = [attr('service.name', 'ran-exporter'), attr('host.name', 'aerial-01'), attr('airan.site.id', 'site-muc-01')];
  const kt = [attr('airan.site.id', 'site-kt-01')];
  const nowhereBad = [attr('host.name', 'x'), attr('airan.site.id', 'nowhere-01')];
  const nowhere = [attr('airan.site.id', 'nowhere-01')];
  const numbered = [attr('airan.site.id', { intValue: '4711' })];
  const points = {
    muc: cellPoint('c1', { asDouble: 40 }),
    ktBad: cellPoint('c2', { asDouble: 101 }),
    kt1: cellPoint('c1', { asDouble: 50 }),
    kt3: cellPoint('c3', { asDouble: 60 }),
    ktUnknown: { asDouble: 1 },
    ktNoValue: cellPoint('c1', {}, { flags: 1 }),
    ktPrbHalf: cellPoint('c4', { asInt: '9' }),
    nowhereBad: cellPoint('c1', { asDouble: 'x' }),
    nowhereGpu: gpuPoint('0', { asInt: '71' }),
    numbered: { asDouble: 2 },
    noSite: { asDouble: 3 },
  };
  const body = {
    resourceMetrics: [
      resource(muc, [gauge('RRU.PrbTotDl', [points.muc])]), // 0
      resource(kt, [
        gauge('RRU.PrbTotDl', [points.ktBad, points.kt1, points.kt3]), // 1 (invalid anyway), 2, 3
        gauge('kt.vendor.temp', [points.ktUnknown]), // 4: unknown metric
        gauge('RRC.ConnMean', [points.ktNoValue]), // 5: "no recorded value"
        gauge('RRU.PrbUsedDl', [points.ktPrbHalf]), // 6: a PRB half, never staged
      ]),
      resource(nowhereBad, [gauge('RRU.PrbTotDl', [points.nowhereBad])]), // 7: invalid anyway, so this resource is never asked
      resource(nowhere, [gauge('DCGM_FI_DEV_GPU_UTIL', [points.nowhereGpu])]), // 8
      resource(numbered, [gauge('vendor.temp', [points.numbered])]), // 9: ignored, site "4711" admitted
      resource([], [gauge('vendor.temp', [points.noSite])]), // 10: ignored, no site to ask about
    ],
  };
  const R = (i: number, k: number, m: number): string => `$.resourceMetrics[${i}].scopeMetrics[0].metrics[${k}].gauge.dataPoints[${m}]`;
  const ktError = { path: '$.resourceMetrics[1].resource.attributes[0].value.stringValue', code: 'SITE_NOT_OWNED', message: 'site "site-kt-01" belongs to another operator' };

  it("rejects every point of a refused resource that would be accepted, each with its index, the site error at the site attribute's value and its one-point raw", () => {
    const result = parseOtlpMetrics(body, bounds, { admitSite: refusingAdmission() });
    expect(result.rejected).toEqual([
      { index: 1, siteId: 'site-kt-01', errors: [expect.objectContaining({ path: `${R(1, 0, 0)}.asDouble`, code: 'OUT_OF_RANGE' })], raw: raw(kt, 'RRU.PrbTotDl', points.ktBad) },
      { index: 2, siteId: 'site-kt-01', errors: [ktError], raw: raw(kt, 'RRU.PrbTotDl', points.kt1) },
      { index: 3, siteId: 'site-kt-01', errors: [ktError], raw: raw(kt, 'RRU.PrbTotDl', points.kt3) },
      { index: 4, siteId: 'site-kt-01', errors: [ktError], raw: raw(kt, 'kt.vendor.temp', points.ktUnknown) },
      { index: 5, siteId: 'site-kt-01', errors: [ktError], raw: raw(kt, 'RRC.ConnMean', points.ktNoValue) },
      { index: 6, siteId: 'site-kt-01', errors: [ktError], raw: raw(kt, 'RRU.PrbUsedDl', points.ktPrbHalf) },
      { index: 7, siteId: 'nowhere-01', errors: [expect.objectContaining({ path: `${R(2, 0, 0)}.asDouble`, code: 'INVALID_VALUE' })], raw: raw(nowhereBad, 'RRU.PrbTotDl', points.nowhereBad) },
      {
        index: 8,
        siteId: 'nowhere-01',
        errors: [{ path: '$.resourceMetrics[3].resource.attributes[0].value.stringValue', code: 'UNKNOWN_SITE', message: 'site "nowhere-01" is not in the pilot registry' }],
        raw: raw(nowhere, 'DCGM_FI_DEV_GPU_UTIL', points.nowhereGpu),
      },
    ]);
    expect(result.accepted).toBe(3);
    expect(result.ignoredRecords).toBe(2);
    expect(result.ignoredMetrics).toEqual(['vendor.temp']); // not kt.vendor.temp: its only point was refused
    expect(result.sites).toEqual([{ siteId: 'site-muc-01', cells: [{ cellId: 'c1', ts: TS, intervalMs: 60_000, prbDlPct: 40 }], gpus: [], heartbeats: [] }]);
  });

  it('asks once per resource, at its first point that would be accepted, and never for a resource without one', () => {
    const admitSite = refusingAdmission();
    parseOtlpMetrics(body, bounds, { admitSite });
    expect(admitSite.mock.calls).toEqual([
      ['site-muc-01', '$.resourceMetrics[0].resource.attributes[2].value.stringValue'],
      ['site-kt-01', '$.resourceMetrics[1].resource.attributes[0].value.stringValue'],
      ['nowhere-01', '$.resourceMetrics[3].resource.attributes[0].value.stringValue'],
      ['4711', '$.resourceMetrics[4].resource.attributes[0].value.intValue'],
    ]);
  });

  it('never asks about a resource whose points all fail on their own, nor about a missing or invalid site', () => {
    const admitSite = refusingAdmission();
    const result = parseOtlpMetrics(
      {
        resourceMetrics: [
          resource(kt, [gauge('RRU.PrbTotDl', [cellPoint('c1', { asDouble: -1 }), cellPoint('c2', {})])]),
          resource([attr('airan.site.id', 'site a')], [gauge('RRU.PrbTotDl', [cellPoint('c1', { asDouble: 1 })]), gauge('vendor.temp', [{ asDouble: 1 }])]),
          resource([attr('airan.site.id', { boolValue: true })], [gauge('vendor.temp', [{ asDouble: 1 }])]),
        ],
      },
      bounds,
      { admitSite },
    );
    expect(admitSite).not.toHaveBeenCalled();
    expect(result.rejected.map((r) => [r.index, r.errors.map((e) => e.code)])).toEqual([
      [0, ['OUT_OF_RANGE']],
      [1, ['MISSING_FIELD']],
      [2, ['INVALID_VALUE']],
    ]);
    expect(result).toMatchObject({ accepted: 2, ignoredRecords: 2 });
  });

  it('leaves the result unchanged when every site is admitted', () => {
    const admitSite = jest.fn(() => undefined);
    expect(parseOtlpMetrics(body, bounds, { admitSite })).toEqual(parseOtlpMetrics(body, bounds));
    expect(admitSite).toHaveBeenCalledTimes(4); // resources 0, 1, 3, 4: resource 2 has no valid point, resource 5 no site
  });
});
