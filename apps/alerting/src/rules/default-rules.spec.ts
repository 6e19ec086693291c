import { evaluateRule, INACTIVE } from '@airan/rule-engine';
import { DEFAULT_RULES } from './default-rules';

describe('shipped rules', () => {
  it('are valid, with the defaults filled in', () => {
    expect(DEFAULT_RULES.map((r) => [r.id, r.kind, r.alertname])).toEqual([
      ['inference-load-high', 'window', 'InferenceLoadHigh'],
      ['prb-dl-saturated', 'window', 'PrbDownlinkSaturated'],
      ['radio-protection', 'window', 'RadioProtection'],
      ['site-silent', 'absence', 'SiteSilent'],
      ['gpu-temperature-high', 'sample', 'GpuTemperatureHigh'],
      ['inference-latency-high', 'sample', 'InferenceLatencyHigh'],
    ]);
    for (const rule of DEFAULT_RULES) expect(rule).toMatchObject({ groupBy: ['alertname', 'site'], flap: { windowMs: 600_000, maxTransitions: 4 }, labels: { team: 'ran-ops' }, enabled: true });
  });

  it('protect the radio when inference load is high and PRB use is high or throughput fell by 30 %', () => {
    const rule = DEFAULT_RULES.find((r) => r.id === 'radio-protection')!;
    const busy = { inferenceLoad: 0.95, prbDlPct: 90, thpDlMbps: 300 };
    expect(evaluateRule(rule, INACTIVE, busy, 60_000).transition).toBe('firing');
    const quiet = { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 300 };
    expect(evaluateRule(rule, INACTIVE, quiet, 60_000).transition).toBeUndefined();
    const before = evaluateRule(rule, INACTIVE, quiet, 60_000).state;
    expect(evaluateRule(rule, before, { inferenceLoad: 0.95, prbDlPct: 50, thpDlMbps: 200 }, 120_000).transition).toBe('firing');
  });
});
