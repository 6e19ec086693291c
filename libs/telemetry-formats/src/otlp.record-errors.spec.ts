import { attr, bounds, cellPoint, declaring, deltaSum, errorsOf, gauge, gpuPoint, type Json, NOW, nsBefore, P, request, SITE, START_NS, T_NS, TS } from './otlp.fixtures';
import { parseOtlpMetrics } from './otlp.parser';

describe('parseOtlpMetrics: record errors', () => {
  const cell = (value: Json, extra: Json = {}): Json => gauge('RRU.PrbTotDl', [cellPoint('c1', value, extra)]);
  /** A delta sum, whose interval is timeUnixNano − startTimeUnixNano. */
  const amount = (extra: Json): Json => deltaSum('airan.inference.requests', [cellPoint('c1', { asInt: '5' }, extra)]);

  it('rejects a cumulative sum of a per-interval counter with CUMULATIVE_NOT_SUPPORTED', () => {
    expect(errorsOf(deltaSum('airan.inference.tokens', [cellPoint('c1', { asInt: '5' })], 2))).toEqual([
      {
        path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.aggregationTemporality',
        code: 'CUMULATIVE_NOT_SUPPORTED',
        message: 'airan.inference.tokens is a per-interval amount: send it as a delta sum (aggregationTemporality 1) or a gauge; cumulative sums are not converted',
      },
    ]);
  });

  it.each([
    ['missing', undefined, 'MISSING_FIELD', 'a sum needs aggregationTemporality: 1 (delta) or 2 (cumulative)'],
    ['unspecified (0)', 0, 'INVALID_VALUE', 'must be the integer 1 (delta) or 2 (cumulative), got 0'],
    ['an enum name', 'AGGREGATION_TEMPORALITY_DELTA', 'INVALID_VALUE', 'must be the integer 1 (delta) or 2 (cumulative), got "AGGREGATION_TEMPORALITY_DELTA"'],
  ])('rejects a sum whose aggregationTemporality is %s', (_what, temporality, code, message) => {
    const metric = { name: 'airan.inference.requests', sum: { ...(temporality !== undefined ? { aggregationTemporality: temporality } : {}), dataPoints: [cellPoint('c1', { asInt: '5' })] } };
    expect(errorsOf(metric)).toEqual([{ path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0].sum.aggregationTemporality', code, message }]);
  });

  it('rejects a known metric sent as a histogram', () => {
    const metric = { name: 'airan.inference.latency_p95_ms', histogram: { aggregationTemporality: 1, dataPoints: [cellPoint('c1', { count: '4' })] } };
    const result = parseOtlpMetrics(request([metric]), bounds);
    expect(result.rejected[0].errors[0]).toEqual({ path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0].histogram', code: 'INVALID_TYPE', message: 'airan.inference.latency_p95_ms must be a gauge or a sum, not a histogram' });
  });

  it.each([
    ['above 150 °C', { asInt: '4000' }, 'asInt', 'OUT_OF_RANGE', 'DCGM_FI_DEV_GPU_TEMP: tempC 4000 exceeds 150'],
    ['below -40 °C', { asDouble: -41 }, 'asDouble', 'OUT_OF_RANGE', 'DCGM_FI_DEV_GPU_TEMP: tempC -41 is below -40'],
    ['the int64 blank', { asInt: '9223372036854775792' }, 'asInt', 'SENTINEL_VALUE', 'DCGM_FI_DEV_GPU_TEMP: 9223372036854775792 is an int64 sentinel (≥ 9.2e18, DCGM_INT64_BLANK family), not a reading'],
  ])('rejects a GPU temperature %s at the point value', (_what, value, field, code, message) => {
    expect(errorsOf(gauge('DCGM_FI_DEV_GPU_TEMP', [gpuPoint('0', value)], 'Cel'))).toEqual([{ path: `${P(0)}.${field}`, code, message }]);
  });

  it('rejects a GPU temperature in kelvin (only Cel is accepted)', () => {
    expect(errorsOf(gauge('DCGM_FI_DEV_GPU_TEMP', [gpuPoint('0', { asDouble: 340.65 })], 'K'))).toEqual([
      { path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0].unit', code: 'UNIT_MISMATCH', message: 'DCGM_FI_DEV_GPU_TEMP in "K" cannot be converted; accepted: "Cel" (or empty for Cel)' },
    ]);
  });

  it('rejects a unit it cannot convert', () => {
    expect(errorsOf(gauge('DRB.UEThpDl', [cellPoint('c1', { asDouble: 1 })], 'bit/s'))).toEqual([
      { path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0].unit', code: 'UNIT_MISMATCH', message: 'DRB.UEThpDl in "bit/s" cannot be converted; accepted: "kbit/s", "Mbit/s" (or empty for kbit/s)' },
    ]);
  });

  it('rejects every point of a resource without airan.site.id, with siteId null', () => {
    const result = parseOtlpMetrics(request([cell({ asDouble: 1 })], [attr('service.name', 'x')]), bounds);
    expect(result.rejected).toEqual([
      {
        index: 0,
        siteId: null,
        errors: [{ path: '$.resourceMetrics[0].resource.attributes', code: 'MISSING_FIELD', message: 'resource attribute airan.site.id is required' }],
        raw: expect.any(Object),
      },
    ]);
  });

  it.each([
    ['a site attribute that is not a string', [attr('airan.site.id', { boolValue: true })], { path: '$.resourceMetrics[0].resource.attributes[0].value', code: 'INVALID_TYPE', message: 'attribute airan.site.id must be a stringValue (or an intValue)' }],
    ['an invalid site id', [attr('airan.site.id', 'site muc')], { path: '$.resourceMetrics[0].resource.attributes[0].value.stringValue', code: 'INVALID_VALUE', message: 'siteId "site muc" must be 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit' }],
  ])('rejects %s', (_what, resourceAttributes, error) => {
    expect(errorsOf(cell({ asDouble: 1 }), resourceAttributes)).toEqual([error]);
  });

  it.each([
    ['a cell point without airan.cell.id', gauge('RRU.PrbTotDl', [{ attributes: [], startTimeUnixNano: START_NS, timeUnixNano: T_NS, asDouble: 1 }]), [{ path: `${P(0)}.attributes`, code: 'MISSING_FIELD', message: 'data point attribute airan.cell.id is required for cell metric RRU.PrbTotDl' }]],
    ['attributes that are not an array', gauge('RRU.PrbTotDl', [{ attributes: {}, startTimeUnixNano: START_NS, timeUnixNano: T_NS, asDouble: 1 }]), [
      { path: `${P(0)}.attributes`, code: 'INVALID_TYPE', message: 'must be an array of {key, value}, got object' },
      { path: `${P(0)}.attributes`, code: 'MISSING_FIELD', message: 'data point attribute airan.cell.id is required for cell metric RRU.PrbTotDl' },
    ]],
    ['an invalid cell id', gauge('RRU.PrbTotDl', [cellPoint('cell 1', { asDouble: 1 })]), [{ path: `${P(0)}.attributes[0].value.stringValue`, code: 'INVALID_VALUE', message: 'cell id "cell 1" must be 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit, or be a 3GPP distinguished name (Attr=value,Attr=value..., at most 512 characters)' }]],
    ['a GPU point without device', gauge('DCGM_FI_DEV_GPU_UTIL', [{ attributes: [attr('Hostname', 'aerial-01')], timeUnixNano: T_NS, asInt: '5' }]), [{ path: `${P(0)}.attributes`, code: 'MISSING_FIELD', message: 'GPU metric DCGM_FI_DEV_GPU_UTIL needs a device: data point attribute gpu.id or gpu' }]],
    ['a GPU point without node', gauge('DCGM_FI_DEV_GPU_UTIL', [{ attributes: [attr('gpu', '0')], timeUnixNano: T_NS, asInt: '5' }]), [{ path: `${P(0)}.attributes`, code: 'MISSING_FIELD', message: 'GPU metric DCGM_FI_DEV_GPU_UTIL needs a node: data point attribute host.name or Hostname or hostname, or resource attribute host.name' }]],
    ['no timeUnixNano', cell({ asDouble: 1 }, { timeUnixNano: undefined }), [{ path: `${P(0)}.timeUnixNano`, code: 'MISSING_FIELD', message: 'timeUnixNano is required (decimal string of nanoseconds since the epoch)' }]],
    ['timeUnixNano that is not decimal', cell({ asDouble: 1 }, { timeUnixNano: '2026-11-28T08:59:00Z' }), [{ path: `${P(0)}.timeUnixNano`, code: 'INVALID_TIMESTAMP', message: 'must be a decimal string of nanoseconds since the epoch, got "2026-11-28T08:59:00Z"' }]],
    ['timeUnixNano of the wrong type', cell({ asDouble: 1 }, { timeUnixNano: { high: 1 } }), [{ path: `${P(0)}.timeUnixNano`, code: 'INVALID_TYPE', message: 'must be a decimal string, got object' }]],
    ['a time too far ahead', cell({ asDouble: 1 }, { timeUnixNano: `${NOW + 300_001}000000` }), [{ path: `${P(0)}.timeUnixNano`, code: 'TIMESTAMP_OUT_OF_RANGE', message: 'more than 300000 ms ahead of the server clock' }]],
    ['a time too old', cell({ asDouble: 1 }, { timeUnixNano: `${NOW - 7 * 86_400_000 - 1}000000`, startTimeUnixNano: `${NOW - 7 * 86_400_000 - 60_001}000000` }), [{ path: `${P(0)}.timeUnixNano`, code: 'TIMESTAMP_OUT_OF_RANGE', message: 'older than 604800000 ms' }]],
    ['a delta sum without startTimeUnixNano (and no declared interval)', amount({ startTimeUnixNano: undefined }), [{ path: `${P(0, 'sum')}.startTimeUnixNano`, code: 'MISSING_FIELD', message: 'a delta sum covers startTimeUnixNano … timeUnixNano: send its start, or declare the interval (resource attribute airan.interval_ms)' }]],
    ['a delta sum starting after its time', amount({ startTimeUnixNano: '1795856340124000000' }), [{ path: `${P(0, 'sum')}.startTimeUnixNano`, code: 'INVALID_VALUE', message: 'startTimeUnixNano is after timeUnixNano' }]],
    ['a delta sum over 0 ms', amount({ startTimeUnixNano: T_NS }), [{ path: `${P(0, 'sum')}.startTimeUnixNano`, code: 'OUT_OF_RANGE', message: 'timeUnixNano − startTimeUnixNano must be 1 ms to 3600000 ms, got 0 ms' }]],
    ['a delta sum over more than an hour', amount({ startTimeUnixNano: nsBefore(3_600_001) }), [{ path: `${P(0, 'sum')}.startTimeUnixNano`, code: 'OUT_OF_RANGE', message: 'timeUnixNano − startTimeUnixNano must be 1 ms to 3600000 ms, got 3600001 ms' }]],
    ['a start time that is not decimal, even on a gauge', cell({ asDouble: 1 }, { startTimeUnixNano: 'yesterday' }), [{ path: `${P(0)}.startTimeUnixNano`, code: 'INVALID_TIMESTAMP', message: 'must be a decimal string of nanoseconds since the epoch, got "yesterday"' }]],
    ['no value', cell({}), [{ path: P(0), code: 'MISSING_FIELD', message: 'a data point needs asDouble or asInt' }]],
    ['two values', cell({ asDouble: 1, asInt: '1' }), [{ path: P(0), code: 'INVALID_VALUE', message: 'asDouble and asInt are a oneof: send exactly one' }]],
    ['asDouble "NaN"', cell({ asDouble: 'NaN' }), [{ path: `${P(0)}.asDouble`, code: 'INVALID_VALUE', message: 'RRU.PrbTotDl: NaN is not a measurement (NaN and ±Infinity are rejected)' }]],
    ['asDouble "-Infinity"', cell({ asDouble: '-Infinity' }), [{ path: `${P(0)}.asDouble`, code: 'INVALID_VALUE', message: 'RRU.PrbTotDl: -Infinity is not a measurement (NaN and ±Infinity are rejected)' }]],
    ['asDouble of the wrong type', cell({ asDouble: true }), [{ path: `${P(0)}.asDouble`, code: 'INVALID_TYPE', message: 'must be a number, got boolean' }]],
    ['asInt that is not an integer', cell({ asInt: '12.5' }), [{ path: `${P(0)}.asInt`, code: 'INVALID_VALUE', message: 'must be a decimal integer string, got "12.5"' }]],
    ['PRB use above 100 %', cell({ asDouble: 100.5 }), [{ path: `${P(0)}.asDouble`, code: 'OUT_OF_RANGE', message: 'RRU.PrbTotDl: prbDlPct 100.5 exceeds 100' }]],
    ['a negative value', cell({ asInt: '-3' }), [{ path: `${P(0)}.asInt`, code: 'OUT_OF_RANGE', message: 'RRU.PrbTotDl: -3 is negative' }]],
    ['an asInt beyond 2^53', deltaSum('airan.inference.tokens', [cellPoint('c1', { asInt: '9007199254740993' })]), [{ path: `${P(0, 'sum')}.asInt`, code: 'OUT_OF_RANGE', message: '9007199254740993 exceeds ±(2^53 − 1) and cannot be represented exactly' }]],
    ['the int64 DCGM sentinel', gauge('DCGM_FI_DEV_FB_USED', [gpuPoint('0', { asInt: '9223372036854775794' })]), [{ path: `${P(0)}.asInt`, code: 'SENTINEL_VALUE', message: 'DCGM_FI_DEV_FB_USED: 9223372036854775794 is an int64 sentinel (≥ 9.2e18, DCGM_INT64_BLANK family), not a reading' }]],
    ['DCGM_INT32_BLANK', gauge('DCGM_FI_DEV_GPU_UTIL', [gpuPoint('0', { asInt: '2147483632' })]), [{ path: `${P(0)}.asInt`, code: 'SENTINEL_VALUE', message: 'DCGM_FI_DEV_GPU_UTIL: 2147483632 is DCGM_INT32_BLANK, not a reading' }]],
    ['DCGM_FP64_BLANK', gauge('DCGM_FI_DEV_POWER_USAGE', [gpuPoint('0', { asDouble: 140737488355328 })]), [{ path: `${P(0)}.asDouble`, code: 'SENTINEL_VALUE', message: 'DCGM_FI_DEV_POWER_USAGE: 140737488355328 is DCGM_FP64_BLANK, not a reading' }]],
  ])('rejects %s', (_what, metric, errors) => {
    expect(errorsOf(metric)).toEqual(errors);
  });

  it('reports every problem of a point at once', () => {
    expect(errorsOf(gauge('RRU.PrbTotDl', [{ timeUnixNano: 'soon', asDouble: -1 }], 'kbit/s'), [])).toEqual([
      { path: '$.resourceMetrics[0].resource.attributes', code: 'MISSING_FIELD', message: 'resource attribute airan.site.id is required' },
      { path: '$.resourceMetrics[0].scopeMetrics[0].metrics[0].unit', code: 'UNIT_MISMATCH', message: 'RRU.PrbTotDl in "kbit/s" cannot be converted; accepted: "%" (or empty for %)' },
      { path: `${P(0)}.attributes`, code: 'MISSING_FIELD', message: 'data point attribute airan.cell.id is required for cell metric RRU.PrbTotDl' },
      { path: `${P(0)}.timeUnixNano`, code: 'INVALID_TIMESTAMP', message: 'must be a decimal string of nanoseconds since the epoch, got "soon"' },
    ]);
  });

  it('rejects a conflicting value for the same cell and time, and delta sums measuring different intervals', () => {
    const result = parseOtlpMetrics(
      request([
        gauge('RRU.PrbTotDl', [cellPoint('c1', { asDouble: 10 }), cellPoint('c1', { asDouble: 11 })]),
        deltaSum('airan.inference.requests', [cellPoint('c1', { asInt: '7' }, { startTimeUnixNano: START_NS })]),
        deltaSum('airan.inference.tokens', [cellPoint('c1', { asInt: '700' }, { startTimeUnixNano: nsBefore(30_000) })]),
      ]),
      bounds,
    );
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.errors])).toEqual([
      [1, [{ path: `${P(0, 'gauge', 1)}.asDouble`, code: 'CONFLICTING_VALUE', message: `RRU.PrbTotDl 11 conflicts with 10 from RRU.PrbTotDl (record 0) for the same cell c1 at ${TS}` }]],
      [3, [{ path: `${P(2, 'sum')}.startTimeUnixNano`, code: 'CONFLICTING_VALUE', message: `cell c1 at ${TS} already has intervalMs 60000 (record 0), this record says 30000` }]],
    ]);
    // The gauge took the interval the first delta sum measured (60 s here, as declared by default).
    expect(result.sites[0].cells).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 60_000, prbDlPct: 10, inferenceRequests: 7 }]);
  });

  it('rejects two resources of a site declaring different intervals for the same cell and time, at the later declaration', () => {
    const body = { resourceMetrics: [...(request([cell({ asDouble: 10 })], declaring(15_000)).resourceMetrics as Json[]), ...(request([gauge('RRC.ConnMean', [cellPoint('c1', { asDouble: 3 })])], declaring(30_000)).resourceMetrics as Json[])] };
    const result = parseOtlpMetrics(body, bounds);
    expect(result.rejected.map((r) => [r.index, r.errors])).toEqual([
      [1, [{ path: '$.resourceMetrics[1].resource.attributes[1].value.intValue', code: 'CONFLICTING_VALUE', message: `cell c1 at ${TS} already has intervalMs 15000 (record 0), this record says 30000` }]],
    ]);
  });

  it.each([
    ['not an integer', { boolValue: true }, 'INVALID_TYPE', 'resource attribute airan.interval_ms must be an intValue (or a decimal stringValue) of milliseconds', ''],
    ['in seconds', { stringValue: '15s' }, 'INVALID_VALUE', 'airan.interval_ms must be a whole number of milliseconds, got "15s"', '.stringValue'],
    ['zero', { intValue: '0' }, 'OUT_OF_RANGE', 'airan.interval_ms must be 1 to 3600000 ms, got 0', '.intValue'],
    ['above an hour', { intValue: 3_600_001 }, 'OUT_OF_RANGE', 'airan.interval_ms must be 1 to 3600000 ms, got 3600001', '.intValue'],
  ])('rejects every cell point of a resource whose airan.interval_ms is %s, and keeps its GPU points', (_what, value, code, message, leaf) => {
    const result = parseOtlpMetrics(request([cell({ asDouble: 10 }), deltaSum('airan.inference.requests', [cellPoint('c2', { asInt: '1' })]), gauge('DCGM_FI_DEV_GPU_UTIL', [gpuPoint('0', { asInt: '71' })])], declaring(value)), bounds);
    const error = { path: `$.resourceMetrics[0].resource.attributes[1].value${leaf}`, code, message };
    expect(result.rejected.map((r) => [r.index, r.errors])).toEqual([
      [0, [error]],
      [1, [error]],
    ]);
    expect(result.sites[0]).toMatchObject({ cells: [], gpus: [{ node: 'aerial-01', device: '0', ts: TS, utilPct: 71 }] });
  });

  it('rejects a PRB used count without the available count of the same cell and time', () => {
    const result = parseOtlpMetrics(request([gauge('RRU.PrbUsedUl', [cellPoint('c1', { asInt: '40' })]), gauge('RRC.ConnMean', [cellPoint('c1', { asDouble: 3 })])]), bounds);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([
      {
        index: 0,
        siteId: 'site-muc-01',
        errors: [{ path: `${P(0)}.asInt`, code: 'MISSING_FIELD', message: `RRU.PrbUsedUl needs RRU.PrbAvailUl for the same cell and time (c1 at ${TS}) to derive prbUlPct` }],
        raw: request([gauge('RRU.PrbUsedUl', [cellPoint('c1', { asInt: '40' })])]),
      },
    ]);
    expect(result.sites[0].cells).toEqual([{ cellId: 'c1', ts: TS, intervalMs: 60_000, rrcConnectedUes: 3 }]);
  });

  it('gives each rejected point a running index and a self-contained single-point request as raw', () => {
    const good = cellPoint('c1', { asDouble: 1 });
    const bad = cellPoint('c2', { asDouble: 101 });
    const body = {
      resourceMetrics: [
        {
          schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
          resource: { attributes: SITE },
          scopeMetrics: [
            { scope: { name: 'a' }, metrics: [gauge('RRC.ConnMean', [good, good])] },
            { scope: { name: 'b' }, metrics: [{ name: 'RRU.PrbTotDl', unit: '%', description: 'PRB use', gauge: { dataPoints: [good, bad] } }] },
          ],
        },
      ],
    };
    const result = parseOtlpMetrics(body, bounds);
    expect(result.accepted).toBe(3);
    expect(result.rejected).toEqual([
      {
        index: 3,
        siteId: 'site-muc-01',
        errors: [{ path: '$.resourceMetrics[0].scopeMetrics[1].metrics[0].gauge.dataPoints[1].asDouble', code: 'OUT_OF_RANGE', message: 'RRU.PrbTotDl: prbDlPct 101 exceeds 100' }],
        raw: {
          resourceMetrics: [
            {
              schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
              resource: { attributes: SITE },
              scopeMetrics: [{ scope: { name: 'b' }, metrics: [{ name: 'RRU.PrbTotDl', unit: '%', description: 'PRB use', gauge: { dataPoints: [bad] } }] }],
            },
          ],
        },
      },
    ]);
    expect((result.rejected[0].raw as { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ gauge: { dataPoints: unknown[] } }] }] }] }).resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0]).toBe(bad);
  });
});
