import type { ThresholdRule } from '@airan/rule-engine';

/** Rules that ship with airan; seeded on first start and editable afterwards. */
export const DEFAULT_RULES: readonly ThresholdRule[] = [
  {
    id: 'inference-load-high',
    alertname: 'InferenceLoadHigh',
    metric: 'inferenceLoad',
    op: '>',
    threshold: 0.9,
    recoveryThreshold: 0.8,
    forMs: 0,
    keepFiringForMs: 0,
    severity: 'warning',
    labels: { team: 'ran-ops' },
    annotations: {
      summary: 'Inference load {{ $value }} on cell {{ $labels.cell }}',
      description: 'AI inference used {{ $value }}× the GPU capacity allocated to cell {{ $labels.cell }} at site {{ $labels.site }}; the radio stack may be squeezed.',
    },
  },
  {
    id: 'prb-dl-saturated',
    alertname: 'PrbDownlinkSaturated',
    metric: 'prbDlPct',
    op: '>',
    threshold: 90,
    recoveryThreshold: 80,
    forMs: 120_000,
    keepFiringForMs: 0,
    severity: 'warning',
    labels: { team: 'ran-ops' },
    annotations: { summary: 'Downlink PRB use {{ $value }} % on cell {{ $labels.cell }}' },
  },
];
