import type { AlertRule } from './rule.model';
import { parseRule, parseRuleSet } from './rule.schema';

const minimal = { id: 'inference-load-high', alertname: 'InferenceLoadHigh', all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.9 }] };
const withFields = (fields: Record<string, unknown>) => ({ ...minimal, ...fields });
const paths = (input: unknown) => {
  const result = parseRule(input);
  return result.ok ? [] : result.issues.map((i) => i.path);
};

describe('parseRule', () => {
  it('applies the defaults', () => {
    const expected: AlertRule = {
      id: 'inference-load-high',
      alertname: 'InferenceLoadHigh',
      kind: 'window',
      all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.9 }],
      any: [],
      scope: [],
      forMs: 0,
      keepFiringForMs: 0,
      flap: { windowMs: 600_000, maxTransitions: 4 },
      groupBy: ['alertname', 'site'],
      escalateAfterMs: null,
      severity: 'warning',
      labels: {},
      annotations: {},
      enabled: true,
    };
    expect(parseRule(minimal)).toEqual({ ok: true, rule: expected });
  });

  it('does not share default objects between rules', () => {
    const [a, b] = [parseRule(minimal), parseRule(minimal)];
    if (!a.ok || !b.ok) throw new Error('expected valid rules');
    expect(a.rule.groupBy).not.toBe(b.rule.groupBy);
    expect(a.rule.flap).not.toBe(b.rule.flap);
  });

  it('accepts every field, with scope matchers as text or objects', () => {
    const input = {
      id: 'radio-protection',
      alertname: 'RadioProtection',
      kind: 'window',
      all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.9, recoveryThreshold: 0.8 }],
      any: [
        { metric: 'prbDlPct', op: '>', threshold: 85, recoveryThreshold: 75 },
        { metric: 'thpDlMbps', op: 'dropPct', threshold: 30 },
      ],
      scope: ['site=~"skt-.*"', { name: 'operator', op: '!=', value: 'lab' }],
      forMs: 60_000,
      keepFiringForMs: 120_000,
      flap: { windowMs: 300_000, maxTransitions: 6 },
      groupBy: ['alertname', 'cell'],
      escalateAfterMs: 900_000,
      severity: 'critical',
      labels: { team: 'ran-ops' },
      annotations: { summary: 'Load {{ $value }} on {{ $labels.cell }}' },
      enabled: false,
    };
    expect(parseRule(input)).toEqual({
      ok: true,
      rule: {
        ...input,
        scope: [
          { name: 'site', op: '=~', value: 'skt-.*' },
          { name: 'operator', op: '!=', value: 'lab' },
        ],
      },
    });
  });

  it.each([
    ['a sample rule on cell metrics', { kind: 'sample', source: 'cell', all: [{ metric: 'latencyP95Ms', op: '>', threshold: 250 }] }],
    ['a sample rule on GPU temperature', { kind: 'sample', source: 'gpu', all: [{ metric: 'tempC', op: '>', threshold: 85 }] }],
    ['an absence rule', { kind: 'absence', target: 'cell', all: [{ metric: 'silenceMs', op: '>=', threshold: 120_000 }] }],
    ['a rule with only `any` conditions', { all: [], any: [{ metric: 'prbDlPct', op: '>', threshold: 90 }] }],
    ['a low-value rule whose recovery bound is above the threshold', { all: [{ metric: 'headroom', op: '<', threshold: 0.1, recoveryThreshold: 0.2 }] }],
  ])('accepts %s', (_, fields) => {
    expect(parseRule(withFields(fields)).ok).toBe(true);
  });

  it.each([
    ['not an object', 42, ''],
    ['no id', { alertname: 'X', all: minimal.all }, 'id'],
    ['an id with upper case', withFields({ id: 'Load' }), 'id'],
    ['an id starting with a dash', withFields({ id: '-load' }), 'id'],
    ['an id of 64 characters', withFields({ id: 'a'.repeat(64) }), 'id'],
    ['an alertname with a dash', withFields({ alertname: 'Load-High' }), 'alertname'],
    ['an alertname starting with a digit', withFields({ alertname: '1Load' }), 'alertname'],
    ['an unknown field', withFields({ expr: 'up == 0' }), 'expr'],
    ['an unknown kind', withFields({ kind: 'stream' }), 'kind'],
    ['no condition at all', withFields({ all: [] }), 'all'],
    ['an unknown comparison', withFields({ all: [{ metric: 'inferenceLoad', op: '==', threshold: 1 }] }), 'all[0].op'],
    ['a threshold that is not a number', withFields({ all: [{ metric: 'inferenceLoad', op: '>', threshold: '0.9' }] }), 'all[0].threshold'],
    ['an unknown condition field', withFields({ all: [{ metric: 'inferenceLoad', op: '>', threshold: 1, for: 5 }] }), 'all[0].for'],
    ['a drop of 0 %', withFields({ any: [{ metric: 'thpDlMbps', op: 'dropPct', threshold: 0 }] }), 'any[0].threshold'],
    ['a drop above 100 %', withFields({ any: [{ metric: 'prbDlPct', op: '>', threshold: 1 }, { metric: 'thpDlMbps', op: 'dropPct', threshold: 101 }] }), 'any[1].threshold'],
    ['a recovery bound above the threshold for >', withFields({ all: [{ metric: 'inferenceLoad', op: '>', threshold: 0.9, recoveryThreshold: 0.95 }] }), 'all[0].recoveryThreshold'],
    ['a recovery bound below the threshold for <=', withFields({ all: [{ metric: 'headroom', op: '<=', threshold: 0.1, recoveryThreshold: 0.05 }] }), 'all[0].recoveryThreshold'],
    ['a window metric that does not exist', withFields({ all: [{ metric: 'inference_load', op: '>', threshold: 1 }] }), 'all[0].metric'],
    ['bookkeeping as a metric', withFields({ any: [{ metric: 'revision', op: '>', threshold: 1 }] }), 'any[0].metric'],
    ['a sample rule without a source', withFields({ kind: 'sample', all: [{ metric: 'tempC', op: '>', threshold: 85 }] }), 'source'],
    ['a window rule with a source', withFields({ source: 'cell' }), 'source'],
    ['an unknown source', withFields({ kind: 'sample', source: 'node', all: [{ metric: 'tempC', op: '>', threshold: 85 }] }), 'source'],
    ['a GPU sample rule on a cell metric', withFields({ kind: 'sample', source: 'gpu', all: [{ metric: 'prbDlPct', op: '>', threshold: 85 }] }), 'all[0].metric'],
    ['a cell sample rule on a GPU metric', withFields({ kind: 'sample', source: 'cell', all: [{ metric: 'tempC', op: '>', threshold: 85 }] }), 'all[0].metric'],
    ['a sample rule on a window-only metric', withFields({ kind: 'sample', source: 'cell', all: [{ metric: 'inferenceLoad', op: '>', threshold: 1 }] }), 'all[0].metric'],
    ['an absence rule without a target', withFields({ kind: 'absence', all: [{ metric: 'silenceMs', op: '>', threshold: 1 }] }), 'target'],
    ['a window rule with a target', withFields({ target: 'site' }), 'target'],
    ['an absence rule on another metric', withFields({ kind: 'absence', target: 'site', all: [{ metric: 'silenceMs', op: '>', threshold: 1 }, { metric: 'coverage', op: '<', threshold: 1 }] }), 'all[1].metric'],
    ['a scope matcher that does not parse', withFields({ scope: ['site="s1"', 'site'] }), 'scope[1]'],
    ['a scope regex that does not compile', withFields({ scope: ['site=~"("'] }), 'scope[0]'],
    ['a scope object with an invalid regex', withFields({ scope: [{ name: 'site', op: '=~', value: '[' }] }), 'scope[0]'],
    ['a scope object with an invalid name', withFields({ scope: [{ name: 'si te', op: '=', value: 'x' }] }), 'scope[0]'],
    ['a scope object with an unknown field', withFields({ scope: [{ name: 'site', op: '=', value: 'x', regex: true }] }), 'scope[0].regex'],
    ['a scope entry that is neither', withFields({ scope: [7] }), 'scope[0]'],
    ['a negative forMs', withFields({ forMs: -1 }), 'forMs'],
    ['a fractional forMs', withFields({ forMs: 1.5 }), 'forMs'],
    ['a duration string', withFields({ forMs: '5m' }), 'forMs'],
    ['a negative keepFiringForMs', withFields({ keepFiringForMs: -1000 }), 'keepFiringForMs'],
    ['an empty flap window', withFields({ flap: { windowMs: 0, maxTransitions: 4 } }), 'flap.windowMs'],
    ['a flap limit of 1', withFields({ flap: { windowMs: 60_000, maxTransitions: 1 } }), 'flap.maxTransitions'],
    ['a partial flap setting', withFields({ flap: { windowMs: 60_000 } }), 'flap.maxTransitions'],
    ['an unknown flap field', withFields({ flap: { windowMs: 60_000, maxTransitions: 4, minMs: 1 } }), 'flap.minMs'],
    ['a groupBy entry that is not a label name', withFields({ groupBy: ['alertname', 'cell id'] }), 'groupBy[1]'],
    ['an escalation after 0 ms', withFields({ escalateAfterMs: 0 }), 'escalateAfterMs'],
    ['an unknown severity', withFields({ severity: 'page' }), 'severity'],
    ['a label name with a dash', withFields({ labels: { 'team-name': 'ops' } }), 'labels.team-name'],
    ['a label overriding site', withFields({ labels: { team: 'ops', site: 's9' } }), 'labels.site'],
    ['a label overriding alertname', withFields({ labels: { alertname: 'Other' } }), 'labels.alertname'],
    ['a label value that is not a string', withFields({ labels: { team: 1 } }), 'labels.team'],
    ['an annotation name starting with a digit', withFields({ annotations: { '1summary': 'x' } }), 'annotations.1summary'],
    ['enabled as a string', withFields({ enabled: 'yes' }), 'enabled'],
  ])('rejects %s at %#', (_, input, path) => {
    expect(paths(input)).toEqual([path]);
  });

  it('names every reserved label it rejects', () => {
    expect(paths(withFields({ labels: { severity: 'x', operator: 'y', cell: 'z', team: 't' } }))).toEqual(['labels.severity', 'labels.operator', 'labels.cell']);
  });

  it('reports independent findings together', () => {
    expect(paths(withFields({ scope: ['site'], all: [{ metric: 'nope', op: '>', threshold: 1 }], source: 'gpu' }))).toEqual(['scope[0]', 'source', 'all[0].metric']);
  });

  it('names every unknown field', () => {
    expect(paths(withFields({ expr: 'x', for: '5m' }))).toEqual(['expr', 'for']);
  });

  it('says why, with a path-free message', () => {
    const result = parseRule(withFields({ scope: ['site=~"("'] }));
    expect(result).toEqual({ ok: false, issues: [{ path: 'scope[0]', message: 'invalid regular expression "("' }] });
    const metric = parseRule(withFields({ kind: 'absence', target: 'site', all: [{ metric: 'nope', op: '>', threshold: 1 }] }));
    expect(metric).toEqual({ ok: false, issues: [{ path: 'all[0].metric', message: 'unknown metric "nope" for absence rules; one of: silenceMs' }] });
  });
});

describe('parseRuleSet', () => {
  const rule = (id: string, fields: Record<string, unknown> = {}) => ({ ...minimal, id, ...fields });

  it('parses every rule', () => {
    const result = parseRuleSet({ rules: [rule('a'), rule('b')] });
    expect(result.ok && result.rules.map((r) => r.id)).toEqual(['a', 'b']);
  });

  it.each([
    ['not an object', [rule('a')], ''],
    ['no rules', {}, 'rules'],
    ['an unknown top-level field', { rules: [], version: 2 }, 'version'],
    ['an invalid rule', { rules: [rule('a'), rule('b'), rule('c', { forMs: -5 })] }, 'rules[2].forMs'],
    ['a nested invalid condition', { rules: [rule('a', { any: [{ metric: 'prbDlPct', op: '>', threshold: 1, y: 1 }] })] }, 'rules[0].any[0].y'],
  ])('rejects %s', (_, input, path) => {
    const result = parseRuleSet(input);
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual([path]);
  });

  it('rejects duplicate ids at the later rule', () => {
    expect(parseRuleSet({ rules: [rule('a'), rule('b'), rule('a')] })).toEqual({
      ok: false,
      issues: [{ path: 'rules[2].id', message: 'duplicate rule id "a" (also rules[0])' }],
    });
  });
});
