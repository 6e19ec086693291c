import type { AlertRule } from './rule.model';
import { rulesFromYaml, rulesToYaml } from './rule.yaml';

const shared = {
  any: [],
  scope: [],
  forMs: 0,
  keepFiringForMs: 0,
  flap: { windowMs: 600_000, maxTransitions: 4 },
  groupBy: ['alertname', 'site'],
  escalateAfterMs: null,
  labels: { team: 'ran-ops' },
  annotations: {},
  enabled: true,
} as const;

const rules: AlertRule[] = [
  {
    ...shared,
    id: 'radio-protection',
    alertname: 'RadioProtection',
    kind: 'window',
    all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.9, recoveryThreshold: 0.8 }],
    any: [
      { metric: 'prbDlPct', op: '>', threshold: 85, recoveryThreshold: 75 },
      { metric: 'thpDlMbps', op: 'dropPct', threshold: 30 },
    ],
    scope: [
      { name: 'site', op: '=~', value: String.raw`skt-\d+` },
      { name: 'operator', op: '!=', value: 'say "lab"\nor not' },
    ],
    forMs: 60_000,
    severity: 'critical',
    escalateAfterMs: 900_000,
    annotations: { summary: 'Radio protection: {{ $value }} on {{ $labels.cell }}', description: 'yes: no # not a comment' },
  },
  {
    ...shared,
    id: 'site-silent',
    alertname: 'SiteSilent',
    kind: 'absence',
    target: 'site',
    all: [{ metric: 'silenceMs', op: '>=', threshold: 120_000 }],
    severity: 'critical',
    enabled: false,
  },
  {
    ...shared,
    id: 'gpu-temperature-high',
    alertname: 'GpuTemperatureHigh',
    kind: 'sample',
    source: 'gpu',
    all: [{ metric: 'tempC', op: '>', threshold: 85, recoveryThreshold: 80 }],
    groupBy: [],
    severity: 'warning',
    labels: {},
  },
];

describe('rulesToYaml / rulesFromYaml', () => {
  it('round-trips rules to equal rules', () => {
    expect(rulesFromYaml(rulesToYaml(rules))).toEqual({ ok: true, rules });
  });

  it('writes a `rules:` document with scopes as matcher text and no YAML aliases', () => {
    const text = rulesToYaml(rules);
    expect(text.startsWith('rules:\n')).toBe(true);
    expect(text).toContain(String.raw`- site=~"skt-\\d+"`);
    expect(text).not.toMatch(/[&*]a\d/);
  });

  it('reads a hand-written file, applying defaults', () => {
    const text = ['rules:', '  - id: prb-high', '    alertname: PrbHigh', '    all:', '      - { metric: prbDlPct, op: ">", threshold: 90 }', '    scope: [site=~"skt-.*"]', ''].join('\n');
    const result = rulesFromYaml(text);
    expect(result.ok && result.rules[0]).toMatchObject({ id: 'prb-high', kind: 'window', forMs: 0, scope: [{ name: 'site', op: '=~', value: 'skt-.*' }] });
  });

  it('reports a syntax error at path "" with its line and column', () => {
    const text = ['rules:', '  - id: a', '    all: [1, 2', ''].join('\n');
    expect(rulesFromYaml(text)).toEqual({
      ok: false,
      issues: [{ path: '', message: 'YAML syntax error at line 4, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]' }],
    });
  });

  it('reports a duplicate key as a syntax error', () => {
    const result = rulesFromYaml('rules: []\nrules: []\n');
    expect(result).toEqual({ ok: false, issues: [{ path: '', message: 'YAML syntax error at line 2, column 1: Map keys must be unique' }] });
  });

  it.each([
    ['an alias naming no anchor', 'rules: *nowhere\n', 'YAML alias error: Unresolved alias (the anchor must be set before the alias): nowhere'],
    [
      'aliases that would expand the document a billion times',
      ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`), 'rules: [*g]', ''].join('\n'),
      'YAML alias error: Excessive alias count indicates a resource exhaustion attack',
    ],
  ])('reports %s as an issue, not an exception', (_, text, message) => {
    expect(rulesFromYaml(text)).toEqual({ ok: false, issues: [{ path: '', message }] });
  });

  it('reports rule findings at their paths', () => {
    const text = rulesToYaml(rules).replace('forMs: 60000', 'forMs: 1m');
    const result = rulesFromYaml(text);
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['rules[0].forMs']);
  });

  it('rejects an empty document as not a rule set', () => {
    const result = rulesFromYaml('');
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['']);
  });
});
