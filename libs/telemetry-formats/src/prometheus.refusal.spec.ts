import { parsePrometheusText } from './prometheus.parser';

describe('parsePrometheusText with a refused site', () => {
  const now = Date.UTC(2026, 10, 28, 9, 0, 0);
  const bounds = { now, maxFutureMs: 300_000, maxAgeMs: 86_400_000 };
  const site = 'skt-nowhere-01';
  const refusal = { path: 'query.site', code: 'UNKNOWN_SITE' as const, message: `site "${site}" is not in the pilot registry` };

  it('rejects every record the parser accepted with the refusal and keeps its own errors on the others', () => {
    const text = [
      '# an ordinary comment',
      '# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).',
      '# TYPE DCGM_FI_DEV_GPU_UTIL gauge',
      'DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="n1"} 83',
      '',
      'vendor_fan_speed{gpu="0"} 1200\r',
      'DCGM_FI_DEV_GPU_UTIL{gpu="1" 12',
      '# TYPE',
      '   ',
    ].join('\n');
    const parsed = parsePrometheusText(text, bounds, { siteId: site, scrapeTs: now, intervalMs: 30_000 });

    const refused = parsePrometheusText(text, bounds, { siteId: site, scrapeTs: now, intervalMs: 30_000, refusal });

    expect(refused.accepted).toBe(0);
    expect(refused.sites).toEqual([]);
    expect(refused.rejected).toEqual([
      { index: 4, siteId: site, errors: [refusal], raw: 'DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="n1"} 83' },
      { index: 6, siteId: site, errors: [refusal], raw: 'vendor_fan_speed{gpu="0"} 1200' },
      { index: 7, siteId: site, errors: [{ path: 'line 7', code: 'SYNTAX_ERROR', message: 'expected , or } after the value of label gpu at column 30' }], raw: 'DCGM_FI_DEV_GPU_UTIL{gpu="1" 12' },
      { index: 8, siteId: site, errors: [{ path: 'line 8', code: 'SYNTAX_ERROR', message: '# TYPE needs a metric name, got ""' }], raw: '# TYPE' },
    ]);
    // Exactly the parser's records, no more and no fewer.
    expect(refused.rejected).toHaveLength(parsed.accepted + parsed.rejected.length);
  });

  it('has nothing to refuse in an exposition without records', () => {
    const text = '# HELP x y\n\n';
    expect(parsePrometheusText(text, bounds, { siteId: site, scrapeTs: now, intervalMs: 30_000, refusal })).toMatchObject({ sites: [], rejected: [], accepted: 0 });
  });
});
