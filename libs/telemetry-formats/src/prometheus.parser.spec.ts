import { formatError } from './format-error.fixtures';
import type { TimeBounds } from './native.parser';
import { isOpenMetricsText, parsePrometheusText, type PrometheusContext, parseSampleLine } from './prometheus.parser';

const NOW = Date.parse('2026-11-28T09:00:00Z');
const bounds: TimeBounds = { now: NOW, maxFutureMs: 300_000, maxAgeMs: 7 * 86_400_000 };
const SCRAPE = NOW - 30_000;
const context: PrometheusContext = { siteId: 'site-muc-01', scrapeTs: SCRAPE, intervalMs: 30_000 };

const L0 = 'gpu="0",UUID="GPU-5b0e4e38-2ad6-4c5e-9e3b-1b6c1f0e2a11",pci_bus_id="00000000:07:00.0",device="nvidia0",modelName="NVIDIA A100-SXM4-80GB",Hostname="aerial-01",DCGM_FI_DRIVER_VERSION="550.90.07"';
const L1 = 'gpu="1",UUID="GPU-9a7d21c4-0f55-4b8e-8a4c-77e2d0b3c912",pci_bus_id="00000000:0F:00.0",device="nvidia1",modelName="NVIDIA A100-SXM4-80GB",Hostname="aerial-01",DCGM_FI_DRIVER_VERSION="550.90.07"';
const MIG = (id: number): string => `${L1},GPU_I_PROFILE="3g.40gb",GPU_I_ID="${id}"`;

/** What dcgm-exporter serves for two A100s, the second split into two 3g.40gb MIG slices. */
const DCGM_SCRAPE = `# HELP DCGM_FI_DEV_SM_CLOCK SM clock frequency (in MHz).
# TYPE DCGM_FI_DEV_SM_CLOCK gauge
DCGM_FI_DEV_SM_CLOCK{${L0}} 1410
DCGM_FI_DEV_SM_CLOCK{${L1}} 1410
# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).
# TYPE DCGM_FI_DEV_GPU_TEMP gauge
DCGM_FI_DEV_GPU_TEMP{${L0}} 64
DCGM_FI_DEV_GPU_TEMP{${L1}} 58
# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
# TYPE DCGM_FI_DEV_POWER_USAGE gauge
DCGM_FI_DEV_POWER_USAGE{${L0}} 312.512000
DCGM_FI_DEV_POWER_USAGE{${L1}} 198.250000
# HELP DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION Total energy consumption since boot (in mJ).
# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{${L0}} 8234567890123
DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{${L1}} 6123456789012
# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
# TYPE DCGM_FI_DEV_GPU_UTIL gauge
DCGM_FI_DEV_GPU_UTIL{${L0}} 71
# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).
# TYPE DCGM_FI_DEV_FB_USED gauge
DCGM_FI_DEV_FB_USED{${L0}} 40211
DCGM_FI_DEV_FB_USED{${MIG(1)}} 9876
DCGM_FI_DEV_FB_USED{${MIG(2)}} 31000
# HELP DCGM_FI_PROF_GR_ENGINE_ACTIVE Ratio of time the graphics engine is active (in %).
# TYPE DCGM_FI_PROF_GR_ENGINE_ACTIVE gauge
DCGM_FI_PROF_GR_ENGINE_ACTIVE{${L0}} 0.712345
DCGM_FI_PROF_GR_ENGINE_ACTIVE{${MIG(1)}} 0.570000
DCGM_FI_PROF_GR_ENGINE_ACTIVE{${MIG(2)}} 0.250000
# HELP DCGM_FI_PROF_PIPE_TENSOR_ACTIVE Ratio of cycles the tensor (HMMA) pipe is active (in %).
# TYPE DCGM_FI_PROF_PIPE_TENSOR_ACTIVE gauge
DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{${L0}} 0.310000
DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{${MIG(1)}} 0.420000
DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{${MIG(2)}} 0.050000

`;


/** Parses the lines and returns [index, errors, raw] of each rejected record. */
function rejections(...lines: string[]): unknown[] {
  return parsePrometheusText(lines.join('\n'), bounds, context).rejected.map((r) => [r.index, r.errors, r.raw]);
}

describe('parsePrometheusText', () => {
  it('maps a realistic DCGM exporter scrape with MIG slices', () => {
    const result = parsePrometheusText(DCGM_SCRAPE, bounds, context);
    const sampleLines = DCGM_SCRAPE.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).length;
    expect(result).toEqual({
      sites: [
        {
          siteId: 'site-muc-01',
          cells: [],
          gpus: [
            // DCGM_FI_DEV_GPU_UTIL wins over DCGM_FI_PROF_GR_ENGINE_ACTIVE where both exist.
            { node: 'aerial-01', device: '0', ts: SCRAPE, utilPct: 71, memUsedMiB: 40211, powerW: 312.512, tempC: 64 },
            // MIG mode: power and temperature per physical GPU, utilisation and memory per slice.
            { node: 'aerial-01', device: '1', ts: SCRAPE, powerW: 198.25, tempC: 58 },
            { node: 'aerial-01', device: '1/mig1', ts: SCRAPE, utilPct: 57, memUsedMiB: 9876 },
            { node: 'aerial-01', device: '1/mig2', ts: SCRAPE, utilPct: 25, memUsedMiB: 31000 },
          ],
          heartbeats: [],
        },
      ],
      rejected: [],
      accepted: sampleLines,
      ignoredMetrics: ['DCGM_FI_DEV_SM_CLOCK', 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE'],
      ignoredRecords: 7,
    });
    expect(sampleLines).toBe(18);
  });

  it('rejects only the junk lines of a scrape (DCGM blanks, NaN) and keeps the rest', () => {
    const text = [
      '# TYPE DCGM_FI_DEV_FB_USED gauge',
      `DCGM_FI_DEV_FB_USED{${L0}} 40211`,
      `DCGM_FI_DEV_FB_USED{${L1}} 9223372036854775794`,
      `DCGM_FI_DEV_POWER_USAGE{${L0}} 140737488355328`,
      `DCGM_FI_DEV_POWER_USAGE{${L1}} 2147483634`,
      `DCGM_FI_DEV_GPU_UTIL{${L1}} NaN`,
      `DCGM_FI_DEV_GPU_UTIL{${L0}} +Inf`,
      `DCGM_FI_DEV_GPU_TEMP{${L0}} NaN`,
    ].join('\n');
    const result = parsePrometheusText(text, bounds, context);
    expect(result.sites[0].gpus).toEqual([{ node: 'aerial-01', device: '0', ts: SCRAPE, memUsedMiB: 40211 }]);
    expect(result.accepted).toBe(1);
    expect(result.rejected.map((r) => [r.index, r.errors])).toEqual([
      [3, [{ path: 'line 3', code: 'SENTINEL_VALUE', message: 'DCGM_FI_DEV_FB_USED: 9223372036854775794 is an int64 sentinel (≥ 9.2e18, DCGM_INT64_BLANK family), not a reading' }]],
      [4, [{ path: 'line 4', code: 'SENTINEL_VALUE', message: 'DCGM_FI_DEV_POWER_USAGE: 140737488355328 is DCGM_FP64_BLANK, not a reading' }]],
      [5, [{ path: 'line 5', code: 'SENTINEL_VALUE', message: 'DCGM_FI_DEV_POWER_USAGE: 2147483634 is DCGM_INT32_NOT_SUPPORTED, not a reading' }]],
      [6, [{ path: 'line 6', code: 'INVALID_VALUE', message: 'DCGM_FI_DEV_GPU_UTIL: NaN is not a measurement (NaN and ±Infinity are rejected)' }]],
      [7, [{ path: 'line 7', code: 'INVALID_VALUE', message: 'DCGM_FI_DEV_GPU_UTIL: +Inf is not a measurement (NaN and ±Infinity are rejected)' }]],
      [8, [{ path: 'line 8', code: 'INVALID_VALUE', message: 'DCGM_FI_DEV_GPU_TEMP: NaN is not a measurement (NaN and ±Infinity are rejected)' }]],
    ]);
    expect(result.rejected[0]).toMatchObject({ siteId: 'site-muc-01', raw: `DCGM_FI_DEV_FB_USED{${L1}} 9223372036854775794` });
  });

  it('maps cell series by their cell label, with Prometheus-safe names and the context interval', () => {
    const text = [
      '# HELP RRU_PrbTotDl PRB use DL (%).',
      '# TYPE RRU_PrbTotDl gauge',
      'RRU_PrbTotDl{cell="nrcell-1"} 63.5',
      'DRB_UEThpDl{cell="nrcell-1"} 152340',
      'airan_inference_requests{cell="nrcell-1"} 1200',
      'RRU_PrbUsedUl{cell="nrcell-2"} 10',
      'RRU_PrbAvailUl{cell="nrcell-2"} 40',
      'airan_gpu_radio_share{Hostname="aerial-01",gpu="0"} 0.45',
    ].join('\n');
    expect(parsePrometheusText(text, bounds, context).sites).toEqual([
      {
        siteId: 'site-muc-01',
        cells: [
          { cellId: 'nrcell-1', ts: SCRAPE, intervalMs: 30_000, prbDlPct: 63.5, thpDlMbps: 152.34, inferenceRequests: 1200 },
          { cellId: 'nrcell-2', ts: SCRAPE, intervalMs: 30_000, prbUlPct: 25 },
        ],
        gpus: [{ node: 'aerial-01', device: '0', ts: SCRAPE, radioShare: 0.45 }],
        heartbeats: [],
      },
    ]);
  });

  it('uses a line timestamp when present, the lowercase hostname label, CRLF line ends and blank lines', () => {
    const text = `\r\nDCGM_FI_DEV_GPU_UTIL{hostname="aerial-02",gpu="3"} 10 ${NOW - 1000}\r\n\r\n  DCGM_FI_DEV_GPU_UTIL { hostname = "aerial-02" , gpu = "3" , } 12\r\n`;
    const result = parsePrometheusText(text, bounds, context);
    expect(result.rejected).toEqual([]);
    expect(result.sites[0].gpus).toEqual([
      { node: 'aerial-02', device: '3', ts: NOW - 1000, utilPct: 10 },
      { node: 'aerial-02', device: '3', ts: SCRAPE, utilPct: 12 },
    ]);
  });

  it('merges series of the same GPU and time, accepting equal repeats (one series per Kubernetes pod)', () => {
    const text = [`DCGM_FI_DEV_GPU_UTIL{${L0},pod="du-0",namespace="ran"} 71`, `DCGM_FI_DEV_GPU_UTIL{${L0},pod="llm-0",namespace="ai"} 71`, `DCGM_FI_DEV_POWER_USAGE{${L0}} 300`].join('\n');
    const result = parsePrometheusText(text, bounds, context);
    expect(result.rejected).toEqual([]);
    expect(result.sites[0].gpus).toEqual([{ node: 'aerial-01', device: '0', ts: SCRAPE, utilPct: 71, powerW: 300 }]);
  });

  it('maps DCGM_FI_DEV_GPU_TEMP to tempC per physical GPU, sub-zero readings included', () => {
    const text = [
      '# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).',
      '# TYPE DCGM_FI_DEV_GPU_TEMP gauge',
      `DCGM_FI_DEV_GPU_TEMP{${L0}} -3.5`,
      `DCGM_FI_DEV_GPU_TEMP{${L1}} 150`,
      `DCGM_FI_DEV_GPU_UTIL{${L0}} 20`,
    ].join('\n');
    const result = parsePrometheusText(text, bounds, context);
    expect(result).toMatchObject({ accepted: 3, rejected: [], ignoredMetrics: [], ignoredRecords: 0 });
    expect(result.sites[0].gpus).toEqual([
      { node: 'aerial-01', device: '0', ts: SCRAPE, utilPct: 20, tempC: -3.5 },
      { node: 'aerial-01', device: '1', ts: SCRAPE, tempC: 150 },
    ]);
  });

  it('accepts an empty text', () => {
    expect(parsePrometheusText('', bounds, context)).toEqual({ sites: [], rejected: [], accepted: 0, ignoredMetrics: [], ignoredRecords: 0 });
  });

  describe('record errors', () => {
    it.each([
      ['a missing closing brace', 'DCGM_FI_DEV_GPU_UTIL{gpu="0" 71', 'expected , or } after the value of label gpu at column 30'],
      ['an unterminated label value', 'DCGM_FI_DEV_GPU_UTIL{gpu="0} 71', 'unterminated value of label gpu'],
      ['an invalid escape', 'DCGM_FI_DEV_GPU_UTIL{Hostname="a\\tb"} 71', 'invalid escape sequence \\t in the value of label Hostname (only \\\\, \\" and \\n)'],
      ['a duplicate label', 'DCGM_FI_DEV_GPU_UTIL{gpu="0",gpu="1"} 71', 'duplicate label gpu'],
      ['an unquoted label value', 'DCGM_FI_DEV_GPU_UTIL{gpu=0} 71', 'expected " to open the value of label gpu at column 26'],
      ['a label without =', 'DCGM_FI_DEV_GPU_UTIL{gpu} 71', 'expected = after label gpu at column 25'],
      ['an invalid label name', 'DCGM_FI_DEV_GPU_UTIL{0gpu="0"} 71', 'expected a label name at column 22'],
      ['an unterminated label set', 'DCGM_FI_DEV_GPU_UTIL{gpu="0",', 'unterminated label set: missing }'],
      ['a missing value', 'DCGM_FI_DEV_GPU_UTIL', 'missing value after DCGM_FI_DEV_GPU_UTIL'],
      ['a missing value after labels', 'DCGM_FI_DEV_GPU_UTIL{gpu="0"}', 'missing value after DCGM_FI_DEV_GPU_UTIL'],
      ['an invalid value', 'DCGM_FI_DEV_GPU_UTIL{gpu="0"} 7l', 'invalid sample value "7l"'],
      ['a fractional timestamp', 'DCGM_FI_DEV_GPU_UTIL{gpu="0"} 71 1795856370000.5', 'invalid timestamp "1795856370000.5": expected integer milliseconds since the epoch'],
      ['text after the timestamp', 'DCGM_FI_DEV_GPU_UTIL{gpu="0"} 71 1795856370000 x', 'unexpected text after the timestamp at column 48'],
      ['an invalid metric name', '1DCGM 71', 'expected a metric name at column 1'],
      ['a dash in a metric name', 'dcgm-util 71', 'unexpected character "-" in metric name at column 5'],
      ['a TYPE with an unknown type', '# TYPE DCGM_FI_DEV_GPU_UTIL gauges', '# TYPE DCGM_FI_DEV_GPU_UTIL: type must be one of counter, gauge, histogram, summary, untyped, got "gauges"'],
      ['a TYPE without a name', '# TYPE', '# TYPE needs a metric name, got ""'],
      ['a HELP with an invalid name', '# HELP dcgm-util GPU utilization', '# HELP needs a metric name, got "dcgm-util"'],
    ])('rejects %s as SYNTAX_ERROR with the line as path and raw', (_what, line, message) => {
      expect(rejections('# a comment', '', line)).toEqual([[3, [{ path: 'line 3', code: 'SYNTAX_ERROR', message }], line]]);
    });

    it('rejects a second TYPE line for the same metric', () => {
      expect(rejections('# TYPE x gauge', '# TYPE x counter')).toEqual([[2, [{ path: 'line 2', code: 'SYNTAX_ERROR', message: 'second # TYPE line for x' }], '# TYPE x counter']]);
    });

    it('rejects a per-interval counter typed counter with CUMULATIVE_NOT_SUPPORTED', () => {
      expect(rejections('# TYPE airan_inference_tokens counter', 'airan_inference_tokens{cell="c1"} 5000')).toEqual([
        [2, [{ path: 'line 2', code: 'CUMULATIVE_NOT_SUPPORTED', message: "airan_inference_tokens is a per-interval amount but is typed counter (cumulative): expose it as a gauge holding the interval's amount" }], 'airan_inference_tokens{cell="c1"} 5000'],
      ]);
    });

    it.each([
      ['a cell metric without cell label', 'RRU_PrbTotDl{site="x"} 5', [{ path: 'line 1', code: 'MISSING_FIELD', message: 'cell metric RRU_PrbTotDl needs a cell label' }]],
      ['an invalid cell id', 'RRU_PrbTotDl{cell="cell 1"} 5', [{ path: 'line 1', code: 'INVALID_VALUE', message: 'label cell="cell 1" must be 1–128 characters of [A-Za-z0-9._:-], starting with a letter or digit, or be a 3GPP distinguished name (Attr=value,Attr=value..., at most 512 characters)' }]],
      ['a GPU metric without node or device', 'DCGM_FI_DEV_GPU_UTIL{UUID="GPU-1"} 5', [
        { path: 'line 1', code: 'MISSING_FIELD', message: 'GPU metric DCGM_FI_DEV_GPU_UTIL needs a Hostname or hostname label' },
        { path: 'line 1', code: 'MISSING_FIELD', message: 'GPU metric DCGM_FI_DEV_GPU_UTIL needs a gpu label' },
      ]],
      ['PRB use above 100 %', 'RRU_PrbTotDl{cell="c1"} 100.01', [{ path: 'line 1', code: 'OUT_OF_RANGE', message: 'RRU_PrbTotDl: prbDlPct 100.01 exceeds 100' }]],
      ['a negative power', 'DCGM_FI_DEV_POWER_USAGE{Hostname="n",gpu="0"} -1', [{ path: 'line 1', code: 'OUT_OF_RANGE', message: 'DCGM_FI_DEV_POWER_USAGE: -1 is negative' }]],
      ['a GPU temperature spike above 150 °C', 'DCGM_FI_DEV_GPU_TEMP{Hostname="n",gpu="0"} 4000', [{ path: 'line 1', code: 'OUT_OF_RANGE', message: 'DCGM_FI_DEV_GPU_TEMP: tempC 4000 exceeds 150' }]],
      ['a GPU temperature below -40 °C', 'DCGM_FI_DEV_GPU_TEMP{Hostname="n",gpu="0"} -41', [{ path: 'line 1', code: 'OUT_OF_RANGE', message: 'DCGM_FI_DEV_GPU_TEMP: tempC -41 is below -40' }]],
      ['a GPU temperature DCGM blank', 'DCGM_FI_DEV_GPU_TEMP{Hostname="n",gpu="0"} 2147483632', [{ path: 'line 1', code: 'SENTINEL_VALUE', message: 'DCGM_FI_DEV_GPU_TEMP: 2147483632 is DCGM_INT32_BLANK, not a reading' }]],
      ['a GR engine ratio above 1', 'DCGM_FI_PROF_GR_ENGINE_ACTIVE{Hostname="n",gpu="0"} 1.5', [{ path: 'line 1', code: 'OUT_OF_RANGE', message: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE: utilPct 150 (from 1.5) exceeds 100' }]],
      ['a timestamp too far ahead', `DCGM_FI_DEV_GPU_UTIL{Hostname="n",gpu="0"} 5 ${NOW + 300_001}`, [{ path: 'line 1', code: 'TIMESTAMP_OUT_OF_RANGE', message: `sample timestamp ${NOW + 300_001} is more than 300000 ms ahead of the server clock` }]],
      ['a timestamp too old', `DCGM_FI_DEV_GPU_UTIL{Hostname="n",gpu="0"} 5 ${NOW - 7 * 86_400_000 - 1}`, [{ path: 'line 1', code: 'TIMESTAMP_OUT_OF_RANGE', message: `sample timestamp ${NOW - 7 * 86_400_000 - 1} is older than 604800000 ms` }]],
    ])('rejects %s', (_what, line, errors) => {
      expect(rejections(line)).toEqual([[1, errors, line]]);
    });

    it('rejects a scrape time out of range on every mapped line', () => {
      const result = parsePrometheusText('DCGM_FI_DEV_GPU_UTIL{Hostname="n",gpu="0"} 5\nDCGM_FI_DEV_SM_CLOCK{Hostname="n",gpu="0"} 5', bounds, { ...context, scrapeTs: NOW - 8 * 86_400_000 });
      expect(result.rejected.map((r) => r.errors)).toEqual([[{ path: 'line 1', code: 'TIMESTAMP_OUT_OF_RANGE', message: `scrape time ${NOW - 8 * 86_400_000} is older than 604800000 ms` }]]);
      expect(result.accepted).toBe(1);
    });

    it('rejects a different value for the same field of the same GPU and time', () => {
      const lines = ['DCGM_FI_DEV_GPU_UTIL{Hostname="n",gpu="0",pod="a"} 40', 'DCGM_FI_DEV_GPU_UTIL{Hostname="n",gpu="0",pod="b"} 41'];
      expect(rejections(...lines)).toEqual([[2, [{ path: 'line 2', code: 'CONFLICTING_VALUE', message: `DCGM_FI_DEV_GPU_UTIL 41 conflicts with 40 from DCGM_FI_DEV_GPU_UTIL (record 1) for the same GPU n/0 at ${SCRAPE}` }], lines[1]]]);
    });

    it('rejects a PRB used count without its available count', () => {
      expect(rejections('RRU_PrbUsedDl{cell="c1"} 10', 'RRU_PrbTotUl{cell="c1"} 5')).toEqual([
        [1, [{ path: 'line 1', code: 'MISSING_FIELD', message: `RRU_PrbUsedDl needs RRU_PrbAvailDl for the same cell and time (c1 at ${SCRAPE}) to derive prbDlPct` }], 'RRU_PrbUsedDl{cell="c1"} 10'],
      ]);
    });
  });

  describe('whole-request errors', () => {
    it('throws MALFORMED_BODY when the text is not a string', () => {
      const error = formatError(() => parsePrometheusText(Buffer.from('x') as unknown as string, bounds, context));
      expect(error.code).toBe('MALFORMED_BODY');
      expect(error.errors).toEqual([{ path: '$', code: 'INVALID_TYPE', message: 'expected a string, got object' }]);
    });

    it('throws INVALID_CONTEXT for an invalid site, scrape time or interval', () => {
      const error = formatError(() => parsePrometheusText('', bounds, { siteId: 'site a', scrapeTs: 1.5, intervalMs: 0 }));
      expect(error.code).toBe('INVALID_CONTEXT');
      expect(error.errors.map((e) => [e.path, e.code])).toEqual([
        ['context.siteId', 'INVALID_VALUE'],
        ['context.scrapeTs', 'INVALID_TIMESTAMP'],
        ['context.intervalMs', 'OUT_OF_RANGE'],
      ]);
    });
  });
});

/** What a DCGM exporter behind an OpenMetrics-speaking agent serves: `# UNIT`, a counter family with `_total`/`_created` and an exemplar, second timestamps, `# EOF`. */
const OM_SECONDS = (ms: number): string => (ms / 1000).toFixed(3);
const OPENMETRICS_SCRAPE = `# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).
# TYPE DCGM_FI_DEV_GPU_UTIL gauge
DCGM_FI_DEV_GPU_UTIL{${L0}} 71 ${OM_SECONDS(NOW - 1500)}
# HELP DCGM_FI_DEV_POWER_USAGE Power draw (in W).
# TYPE DCGM_FI_DEV_POWER_USAGE gauge
# UNIT DCGM_FI_DEV_POWER_USAGE watts
DCGM_FI_DEV_POWER_USAGE{${L0}} 312.5 ${OM_SECONDS(NOW - 1500)}
# HELP dcgm_energy_joules Total energy consumption since boot.
# TYPE dcgm_energy_joules counter
# UNIT dcgm_energy_joules joules
dcgm_energy_joules_total{${L0}} 8234567.89 ${OM_SECONDS(NOW - 1500)} # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 1.5 ${OM_SECONDS(NOW - 2000)}
dcgm_energy_joules_created{${L0}} 1.7964e9
# TYPE dcgm_exporter_build info
dcgm_exporter_build_info{version="3.3.9-3.6.0"} 1
# EOF
`;

describe('parsePrometheusText, OpenMetrics', () => {
  it('maps an OpenMetrics scrape: seconds as ms, # UNIT, exemplars dropped, counter families, # EOF', () => {
    const result = parsePrometheusText(OPENMETRICS_SCRAPE, bounds, context);
    expect(result).toEqual({
      sites: [{ siteId: 'site-muc-01', cells: [], gpus: [{ node: 'aerial-01', device: '0', ts: NOW - 1500, utilPct: 71, powerW: 312.5 }], heartbeats: [] }],
      rejected: [],
      accepted: 5,
      ignoredMetrics: ['dcgm_energy_joules_total', 'dcgm_energy_joules_created', 'dcgm_exporter_build_info'],
      ignoredRecords: 3,
    });
  });

  it('tells OpenMetrics from 0.0.4 text by its # EOF line', () => {
    expect(isOpenMetricsText(OPENMETRICS_SCRAPE)).toBe(true);
    expect(isOpenMetricsText('x 1\r\n# EOF\r\n')).toBe(true);
    expect(isOpenMetricsText(DCGM_SCRAPE)).toBe(false);
    expect(isOpenMetricsText('x 1\n# EOF is near\n')).toBe(false);
    // The same timestamp is ms in 0.0.4 text and seconds in OpenMetrics.
    const line = `DCGM_FI_DEV_GPU_UTIL{Hostname="n",gpu="0"} 5 ${Math.round((NOW - 1000) / 1000)}`;
    expect(parsePrometheusText(`${line}\n# EOF\n`, bounds, context).sites[0].gpus[0].ts).toBe(NOW - 1000);
    expect(parsePrometheusText(`${line}\n`, bounds, context).rejected[0].errors[0].code).toBe('TIMESTAMP_OUT_OF_RANGE');
  });

  it('rejects every line after # EOF', () => {
    expect(rejections('DCGM_FI_DEV_GPU_UTIL{Hostname="n",gpu="0"} 5', '# EOF', 'DCGM_FI_DEV_GPU_UTIL{Hostname="n",gpu="1"} 5', '', '# TYPE x gauge')).toEqual([
      [3, [{ path: 'line 3', code: 'SYNTAX_ERROR', message: 'nothing may follow # EOF' }], 'DCGM_FI_DEV_GPU_UTIL{Hostname="n",gpu="1"} 5'],
      [5, [{ path: 'line 5', code: 'SYNTAX_ERROR', message: 'nothing may follow # EOF' }], '# TYPE x gauge'],
    ]);
  });

  it('rejects a per-interval amount exposed as an OpenMetrics counter (x_total of family x) with CUMULATIVE_NOT_SUPPORTED', () => {
    expect(rejections('# TYPE airan_inference_tokens counter', 'airan_inference_tokens_total{cell="c1"} 5000', 'airan_inference_tokens_created{cell="c1"} 1.7e9', '# EOF')).toEqual([
      [2, [{ path: 'line 2', code: 'CUMULATIVE_NOT_SUPPORTED', message: "airan_inference_tokens_total is a per-interval amount but is typed counter (cumulative): expose it as a gauge holding the interval's amount" }], 'airan_inference_tokens_total{cell="c1"} 5000'],
    ]);
  });

  it("takes OpenMetrics' own family types, and only in OpenMetrics", () => {
    expect(rejections('# TYPE a unknown', '# TYPE b stateset', '# TYPE c gaugehistogram', '# TYPE d info', '# EOF')).toEqual([]);
    expect(rejections('# TYPE a unknown')[0]).toMatchObject([1, [{ code: 'SYNTAX_ERROR' }], '# TYPE a unknown']);
    // In 0.0.4 text `# UNIT` is an ordinary comment; in OpenMetrics a directive that needs a metric name.
    expect(rejections('# UNIT 1x seconds')).toEqual([]);
    expect(rejections('# UNIT 1x seconds', '# EOF')).toEqual([[1, [{ path: 'line 1', code: 'SYNTAX_ERROR', message: '# UNIT needs a metric name, got "1x"' }], '# UNIT 1x seconds']]);
  });

  it.each([
    ['an exemplar without labels', 'x_total 1 # 2', 'expected { to open the exemplar\'s labels in the exemplar at column 11'],
    ['an exemplar without a space after #', 'x_total 1 #{a="b"} 2', 'expected a space after # in the exemplar at column 11'],
    ['an exemplar without a value', 'x_total 1 # {a="b"}', 'invalid value "" in the exemplar at column 11'],
    ['an exemplar with a bad label set', 'x_total 1 # {a=b} 2', 'expected " to open the value of label a at column 16 in the exemplar at column 11'],
    ['an exemplar with a bad timestamp', 'x_total 1 # {a="b"} 2 soon', 'invalid timestamp "soon" in the exemplar at column 11'],
    ['text after the exemplar', 'x_total 1 # {a="b"} 2 1.5 x', 'unexpected text after the timestamp in the exemplar at column 11'],
    ['a timestamp that is not a number of seconds', 'x 1 17000000001.5.2', 'invalid timestamp "17000000001.5.2": expected seconds since the epoch (OpenMetrics)'],
  ])('rejects %s as SYNTAX_ERROR', (_what, line, message) => {
    expect(rejections(line, '# EOF')).toEqual([[1, [{ path: 'line 1', code: 'SYNTAX_ERROR', message }], line]]);
  });
});

describe('parseSampleLine', () => {
  it('unescapes \\\\, \\" and \\n in label values and keeps every label', () => {
    const sample = parseSampleLine('DCGM_FI_DEV_GPU_UTIL{Hostname="a\\\\b",modelName="say \\"hi\\"",note="x\\ny"} 5');
    expect(sample).toEqual({ name: 'DCGM_FI_DEV_GPU_UTIL', labels: new Map([['Hostname', 'a\\b'], ['modelName', 'say "hi"'], ['note', 'x\ny']]), value: 5, text: '5' });
  });

  it('reads NaN, ±Inf, exponents, and an optional negative timestamp', () => {
    expect(parseSampleLine('x NaN')).toMatchObject({ value: NaN });
    expect(parseSampleLine('x +Inf')).toMatchObject({ value: Infinity });
    expect(parseSampleLine('x -Inf')).toMatchObject({ value: -Infinity });
    expect(parseSampleLine('x 1.5e3 -1000')).toEqual({ name: 'x', labels: new Map(), value: 1500, text: '1.5e3', timestamp: -1000 });
    expect(parseSampleLine('x{} 1')).toEqual({ name: 'x', labels: new Map(), value: 1, text: '1' });
  });

  it('reads OpenMetrics seconds, fractional or with an exponent, and drops an exemplar', () => {
    expect(parseSampleLine('x 1 1700000000.5', 'openmetrics')).toEqual({ name: 'x', labels: new Map(), value: 1, text: '1', timestamp: 1_700_000_000_500 });
    expect(parseSampleLine('x 1 1.7e9', 'openmetrics')).toMatchObject({ timestamp: 1_700_000_000_000 });
    expect(parseSampleLine('x_total{a="1"} 2 # {trace_id="t"} 0.5 1700000000.001', 'openmetrics')).toEqual({ name: 'x_total', labels: new Map([['a', '1']]), value: 2, text: '2' });
    expect(parseSampleLine('x_total 2 1700000000 # {} 0.5', 'openmetrics')).toMatchObject({ value: 2, timestamp: 1_700_000_000_000 });
    // Not in 0.0.4 text: there `#` after the value is not a timestamp.
    expect(parseSampleLine('x_total 2 # {} 0.5')).toBe('invalid timestamp "#": expected integer milliseconds since the epoch');
  });
});
