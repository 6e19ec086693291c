import {
  checkMetricValue,
  DCGM_FP64_BLANK,
  DCGM_INT32_BLANK,
  derivePrbPercent,
  lookupMetric,
  METRIC_DICTIONARY,
  type MetricDefinition,
  prometheusName,
  resolveUnit,
  sentinelOf,
} from './metric-dictionary';

const get = (name: string): MetricDefinition => {
  const d = lookupMetric(name);
  if (!d) throw new Error(`no ${name}`);
  return d;
};

describe('metric dictionary', () => {
  it('maps every required external name to its canonical field', () => {
    const fields = Object.fromEntries([...METRIC_DICTIONARY.values()].map((d) => [d.name, `${d.target}.${d.field}${d.part ? `.${d.part.role}` : ''}`]));
    expect(fields).toEqual({
      'RRU.PrbTotDl': 'cell.prbDlPct',
      'RRU.PrbTotUl': 'cell.prbUlPct',
      'RRU.PrbUsedDl': 'cell.prbDlPct.used',
      'RRU.PrbAvailDl': 'cell.prbDlPct.available',
      'RRU.PrbUsedUl': 'cell.prbUlPct.used',
      'RRU.PrbAvailUl': 'cell.prbUlPct.available',
      'DRB.UEThpDl': 'cell.thpDlMbps',
      'DRB.UEThpUl': 'cell.thpUlMbps',
      'RRC.ConnMean': 'cell.rrcConnectedUes',
      'airan.inference.requests': 'cell.inferenceRequests',
      'airan.inference.tokens': 'cell.inferenceTokens',
      'airan.inference.gpu_ms': 'cell.gpuMs',
      'airan.inference.latency_p95_ms': 'cell.latencyP95Ms',
      DCGM_FI_DEV_GPU_UTIL: 'gpu.utilPct',
      DCGM_FI_PROF_GR_ENGINE_ACTIVE: 'gpu.utilPct',
      DCGM_FI_DEV_FB_USED: 'gpu.memUsedMiB',
      DCGM_FI_DEV_POWER_USAGE: 'gpu.powerW',
      DCGM_FI_DEV_GPU_TEMP: 'gpu.tempC',
      'airan.gpu.radio_share': 'gpu.radioShare',
      'airan.gpu.ai_share': 'gpu.aiShare',
    });
  });

  it('finds names by their Prometheus-safe alias and knows nothing else', () => {
    expect(prometheusName('RRU.PrbTotDl')).toBe('RRU_PrbTotDl');
    expect(lookupMetric('RRU_PrbTotDl')?.name).toBe('RRU.PrbTotDl');
    expect(lookupMetric('airan_inference_latency_p95_ms')?.name).toBe('airan.inference.latency_p95_ms');
    expect(lookupMetric('RRC.ConnMax')).toBeUndefined();
    expect(lookupMetric('DCGM_FI_DEV_SM_CLOCK')).toBeUndefined();
  });

  it('uses a caller-supplied dictionary (e.g. a stack reporting PRB counts under the % name)', () => {
    const custom = new Map(METRIC_DICTIONARY);
    custom.set('RRU.PrbTotDl', { ...get('RRU.PrbUsedDl'), name: 'RRU.PrbTotDl' });
    expect(lookupMetric('RRU.PrbTotDl', custom)?.part?.role).toBe('used');
    expect(lookupMetric('RRU_PrbTotDl', custom)?.part?.role).toBe('used');
  });

  describe('units', () => {
    it('converts kbit/s to Mbit/s and accepts Mbit/s as is', () => {
      const thp = get('DRB.UEThpDl');
      expect(checkMetricValue(thp, 152_340)).toEqual({ ok: true, value: 152.34 });
      expect(checkMetricValue(thp, 152.34, { conversion: resolveUnit(thp, 'Mbit/s') })).toEqual({ ok: true, value: 152.34 });
    });

    it('turns the GR engine ratio into percent without binary noise', () => {
      expect(checkMetricValue(get('DCGM_FI_PROF_GR_ENGINE_ACTIVE'), 0.57)).toEqual({ ok: true, value: 57 });
    });

    it('resolves empty units to the default, UCUM annotations to 1, and refuses others', () => {
      const requests = get('airan.inference.requests');
      expect(resolveUnit(requests, '')).toEqual({ num: 1, den: 1 });
      expect(resolveUnit(requests, '{request}')).toEqual({ num: 1, den: 1 });
      expect(resolveUnit(get('DCGM_FI_DEV_FB_USED'), 'MiBy')).toEqual({ num: 1, den: 1 });
      expect(resolveUnit(get('DRB.UEThpDl'), 'bit/s')).toBeUndefined();
      expect(resolveUnit(get('RRU.PrbTotDl'), 'toString')).toBeUndefined();
      expect(resolveUnit(get('DCGM_FI_DEV_GPU_TEMP'), 'Cel')).toEqual({ num: 1, den: 1 });
      expect(resolveUnit(get('DCGM_FI_DEV_GPU_TEMP'), '')).toEqual({ num: 1, den: 1 });
      expect(resolveUnit(get('DCGM_FI_DEV_GPU_TEMP'), 'K')).toBeUndefined();
    });
  });

  describe('sanity rules', () => {
    it('rejects NaN and ±Infinity as INVALID_VALUE', () => {
      expect(checkMetricValue(get('RRU.PrbTotDl'), NaN)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
      expect(checkMetricValue(get('DCGM_FI_DEV_POWER_USAGE'), Infinity)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
      expect(checkMetricValue(get('DCGM_FI_DEV_POWER_USAGE'), -Infinity)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    });

    it('rejects negatives and percentages above 100 as OUT_OF_RANGE', () => {
      expect(checkMetricValue(get('RRC.ConnMean'), -1)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE', message: 'RRC.ConnMean: -1 is negative' });
      expect(checkMetricValue(get('RRU.PrbTotUl'), 100.5)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE', message: 'RRU.PrbTotUl: prbUlPct 100.5 exceeds 100' });
      expect(checkMetricValue(get('RRU.PrbTotUl'), 100)).toEqual({ ok: true, value: 100 });
      expect(checkMetricValue(get('DCGM_FI_PROF_GR_ENGINE_ACTIVE'), 1.2)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE', message: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE: utilPct 120 (from 1.2) exceeds 100' });
      expect(checkMetricValue(get('airan.gpu.ai_share'), 1.01)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    });

    it('bounds the GPU temperature to -40 … 150 °C, the one field that may be negative', () => {
      const temp = get('DCGM_FI_DEV_GPU_TEMP');
      expect(checkMetricValue(temp, 67)).toEqual({ ok: true, value: 67 });
      expect(checkMetricValue(temp, -12.5)).toEqual({ ok: true, value: -12.5 });
      expect(checkMetricValue(temp, -40)).toEqual({ ok: true, value: -40 });
      expect(checkMetricValue(temp, 150)).toEqual({ ok: true, value: 150 });
      expect(checkMetricValue(temp, -40.5)).toEqual({ ok: false, code: 'OUT_OF_RANGE', message: 'DCGM_FI_DEV_GPU_TEMP: tempC -40.5 is below -40' });
      expect(checkMetricValue(temp, 150.5)).toEqual({ ok: false, code: 'OUT_OF_RANGE', message: 'DCGM_FI_DEV_GPU_TEMP: tempC 150.5 exceeds 150' });
      // DCGM blanks are still named as such, not as an absurd temperature.
      expect(checkMetricValue(temp, DCGM_INT32_BLANK + 2)).toEqual({ ok: false, code: 'SENTINEL_VALUE', message: 'DCGM_FI_DEV_GPU_TEMP: 2147483634 is DCGM_INT32_NOT_SUPPORTED, not a reading' });
      expect(checkMetricValue(temp, NaN)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
    });

    it('requires integers for request and token counts', () => {
      expect(checkMetricValue(get('airan.inference.tokens'), 10.5)).toMatchObject({ ok: false, code: 'INVALID_VALUE' });
      expect(checkMetricValue(get('airan.inference.gpu_ms'), 10.5)).toEqual({ ok: true, value: 10.5 });
    });

    it('rejects the DCGM blank families and int64 sentinels as SENTINEL_VALUE', () => {
      const power = get('DCGM_FI_DEV_POWER_USAGE');
      expect(sentinelOf(power, DCGM_INT32_BLANK)).toBe('DCGM_INT32_BLANK');
      expect(sentinelOf(power, DCGM_INT32_BLANK + 2)).toBe('DCGM_INT32_NOT_SUPPORTED');
      expect(sentinelOf(power, DCGM_FP64_BLANK + 3)).toBe('DCGM_FP64_NOT_PERMISSIONED');
      expect(sentinelOf(power, 3_000_000_000)).toMatch(/DCGM blank range/);
      expect(sentinelOf(power, 9223372036854775792)).toMatch(/int64 sentinel/);
      expect(sentinelOf(power, DCGM_INT32_BLANK - 1)).toBeNull();
      // Non-DCGM metrics only know the int64 sentinel.
      expect(sentinelOf(get('airan.inference.tokens'), DCGM_INT32_BLANK)).toBeNull();
      expect(sentinelOf(get('airan.inference.tokens'), 9.3e18)).toMatch(/int64 sentinel/);
      expect(checkMetricValue(get('DCGM_FI_DEV_FB_USED'), DCGM_INT32_BLANK + 1)).toEqual({
        ok: false,
        code: 'SENTINEL_VALUE',
        message: 'DCGM_FI_DEV_FB_USED: 2147483633 is DCGM_INT32_NOT_FOUND, not a reading',
      });
    });
  });

  describe('derivePrbPercent', () => {
    it('is used × 100 ÷ available', () => {
      expect(derivePrbPercent('RRU.PrbUsedDl', 137, 'RRU.PrbAvailDl', 273)).toEqual({ ok: true, value: 50.1831501831502 });
      expect(derivePrbPercent('RRU.PrbUsedDl', 273, 'RRU.PrbAvailDl', 273)).toEqual({ ok: true, value: 100 });
    });

    it('reports nothing for 0 of 0, and OUT_OF_RANGE for used > available or used of 0 available', () => {
      expect(derivePrbPercent('u', 0, 'a', 0)).toEqual({ ok: true, value: null });
      expect(derivePrbPercent('u', 3, 'a', 0)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
      expect(derivePrbPercent('u', 274, 'a', 273)).toMatchObject({ ok: false, code: 'OUT_OF_RANGE' });
    });
  });
});
