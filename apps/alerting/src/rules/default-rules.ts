import { type AlertRule, parseRule } from '@airan/rule-engine';

const RULE_DEFAULTS = { labels: { team: 'ran-ops' } } as const;

/**
 * Rules that ship with airan; seeded by migration and editable afterwards through the rules API. They
 * go through the same validation as any rule, which also fills in the defaults they leave out.
 */
export const DEFAULT_RULES: readonly AlertRule[] = [
  {
    ...RULE_DEFAULTS,
    id: 'inference-load-high',
    alertname: 'InferenceLoadHigh',
    kind: 'window',
    all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.9, recoveryThreshold: 0.8 }],
    severity: 'warning',
    annotations: {
      summary: 'Inference load {{ $value }} on cell {{ $labels.cell }}',
      description: 'AI inference used {{ $value }}× the GPU capacity allocated to cell {{ $labels.cell }} at site {{ $labels.site }}; the radio stack may be squeezed.',
    },
  },
  {
    ...RULE_DEFAULTS,
    id: 'prb-dl-saturated',
    alertname: 'PrbDownlinkSaturated',
    kind: 'window',
    all: [{ metric: 'prbDlPct', op: '>', threshold: 90, recoveryThreshold: 80 }],
    forMs: 120_000,
    severity: 'warning',
    annotations: { summary: 'Downlink PRB use {{ $value }} % on cell {{ $labels.cell }}' },
  },
  {
    ...RULE_DEFAULTS,
    id: 'radio-protection',
    alertname: 'RadioProtection',
    kind: 'window',
    // AI inference is eating the GPU while the radio is busy or already suffering: protect the RAN first.
    all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.9, recoveryThreshold: 0.8 }],
    any: [
      { metric: 'prbDlPct', op: '>', threshold: 85, recoveryThreshold: 75 },
      { metric: 'thpDlMbps', op: 'dropPct', threshold: 30 },
    ],
    severity: 'critical',
    escalateAfterMs: 900_000,
    annotations: {
      summary: 'Radio protection: inference load {{ $value }} on busy cell {{ $labels.cell }}',
      description: 'Inference load is high while downlink PRB use is high or throughput fell by 30 % or more: throttle AI inference on {{ $labels.site }}.',
    },
  },
  {
    ...RULE_DEFAULTS,
    id: 'site-silent',
    alertname: 'SiteSilent',
    kind: 'absence',
    target: 'site',
    all: [{ metric: 'silenceMs', op: '>=', threshold: 120_000 }],
    severity: 'critical',
    escalateAfterMs: 900_000,
    annotations: { summary: 'Site {{ $labels.site }} sent no telemetry for 2 minutes', description: 'Alerts of its cells are inhibited until it reports again.' },
  },
  {
    ...RULE_DEFAULTS,
    id: 'gpu-temperature-high',
    alertname: 'GpuTemperatureHigh',
    kind: 'sample',
    source: 'gpu',
    all: [{ metric: 'tempC', op: '>', threshold: 85, recoveryThreshold: 80 }],
    severity: 'critical',
    annotations: { summary: 'GPU {{ $labels.gpu }} on {{ $labels.node }} at {{ $value }} °C' },
  },
  {
    ...RULE_DEFAULTS,
    id: 'inference-latency-high',
    alertname: 'InferenceLatencyHigh',
    kind: 'sample',
    source: 'cell',
    all: [{ metric: 'latencyP95Ms', op: '>', threshold: 250, recoveryThreshold: 200 }],
    forMs: 30_000,
    severity: 'warning',
    annotations: { summary: 'Inference p95 latency {{ $value }} ms on cell {{ $labels.cell }}' },
  },
].map((input) => {
  const parsed = parseRule(input);
  if (!parsed.ok) throw new Error(`shipped rule ${input.id} is invalid: ${JSON.stringify(parsed.issues)}`);
  return parsed.rule;
});
