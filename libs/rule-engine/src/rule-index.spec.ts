import { createPrng, type Prng } from '@airan/demo-fleet';
import { type Labels, instanceLabels } from './labels';
import { matchesAll, parseMatcher } from './matchers';
import { type Evidence, RuleIndex } from './rule-index';
import type { AlertRule, Matcher, MatchOp } from './rule.model';
import { rule } from './rule-state.fixtures';

/** What trying every rule on every target gives: the instance's labels (the rule's own win) against the whole scope. */
function triedOneByOne(rules: readonly AlertRule[], evidence: Evidence, target: Labels): AlertRule[] {
  return rules.filter((r) => {
    const watches = r.kind === 'window' ? 'window' : r.kind === 'sample' ? (r.source ?? 'cell') : undefined;
    return watches === evidence && matchesAll(r.scope, instanceLabels(r, target));
  });
}

const scoped = (id: string, scope: string[], overrides: Partial<AlertRule> = {}) => rule({ id, scope: scope.map(parseMatcher), ...overrides });
const ids = (rules: readonly AlertRule[]) => rules.map((r) => r.id);

describe('RuleIndex', () => {
  const cell = { operator: 'skt', site: 's1', cell: 'c1' };

  it('finds rules by a scope label value and keeps the rules order', () => {
    const rules = [scoped('a', ['site="s2"']), scoped('b', []), scoped('c', ['site="s1"', 'cell=~"c[0-9]"']), scoped('d', ['site="s1"', 'cell="c9"']), scoped('e', ['operator!="kt"'])];
    const index = new RuleIndex(rules);
    expect(ids(index.matching('window', cell))).toEqual(['b', 'c', 'e']);
    expect(ids(index.matching('window', { ...cell, site: 's2' }))).toEqual(['a', 'b', 'e']);
  });

  it('decides matchers on labels the rule sets itself once: they override the target', () => {
    const rules = [
      scoped('own-site', ['site="pinned"'], { labels: { site: 'pinned' } }),
      scoped('other-severity', ['severity="critical"']),
      scoped('name', ['alertname="CellInferenceLoadHigh"', 'site="s1"']),
    ];
    const index = new RuleIndex(rules);
    expect(ids(index.matching('window', cell))).toEqual(['own-site', 'name']);
    expect(ids(index.matching('window', { ...cell, site: 'pinned' }))).toEqual(['own-site']);
  });

  it('a missing label has the empty value, so `label=""` finds the targets without it', () => {
    const index = new RuleIndex([scoped('no-pilot', ['pilot=""']), scoped('pilot', ['pilot!=""'])]);
    expect(ids(index.matching('window', cell))).toEqual(['no-pilot']);
    expect(ids(index.matching('window', { ...cell, pilot: 'p1' }))).toEqual(['pilot']);
  });

  it('keeps each rule to its evidence: windows, cell samples, GPU samples; absence rules to none', () => {
    const rules = [
      scoped('window', []),
      scoped('cell', [], { kind: 'sample' }),
      scoped('cell-explicit', [], { kind: 'sample', source: 'cell' }),
      scoped('gpu', [], { kind: 'sample', source: 'gpu' }),
      scoped('absence', [], { kind: 'absence', target: 'site' }),
    ];
    const index = new RuleIndex(rules);
    expect(ids(index.matching('window', cell))).toEqual(['window']);
    expect(ids(index.matching('cell', cell))).toEqual(['cell', 'cell-explicit']);
    expect(ids(index.matching('gpu', { site: 's1', node: 'n1', gpu: '0' }))).toEqual(['gpu']);
    expect(index.rules).toBe(rules);
  });

  it('answers what trying every rule one by one answers, on random rule sets and targets', () => {
    const random = createPrng(15);
    for (let round = 0; round < 100; round++) {
      const rules = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) => randomRule(random, `r${i}`));
      const index = new RuleIndex(rules);
      for (let t = 0; t < 20; t++) {
        const target = randomTarget(random);
        for (const evidence of ['cell', 'gpu', 'window'] as const) expect(ids(index.matching(evidence, target))).toEqual(ids(triedOneByOne(rules, evidence, target)));
      }
    }
  });
});

const LABELS = ['operator', 'site', 'cell', 'pilot', 'severity', 'team'];
const VALUES = ['', 'a', 'b', 'warning'];
const OPS: MatchOp[] = ['=', '=', '!=', '=~', '!~'];
const pick = <T>(random: Prng, from: readonly T[]): T => from[Math.floor(random() * from.length)];

function randomRule(random: Prng, id: string): AlertRule {
  const scope: Matcher[] = Array.from({ length: Math.floor(random() * 4) }, () => {
    const op = pick(random, OPS);
    return { name: pick(random, LABELS), op, value: op.endsWith('~') ? pick(random, ['a|b', '.*', 'w.*']) : pick(random, VALUES) };
  });
  const kind = pick(random, ['window', 'sample', 'sample', 'absence'] as const);
  const labels = random() < 0.3 ? { [pick(random, LABELS.filter((l) => l !== 'severity'))]: pick(random, VALUES) } : {};
  return rule({ id, kind, scope, labels, source: kind === 'sample' ? pick(random, [undefined, 'cell', 'gpu'] as const) : undefined, severity: pick(random, ['warning', 'critical'] as const) });
}

function randomTarget(random: Prng): Labels {
  return Object.fromEntries(LABELS.filter((l) => l !== 'severity' && random() < 0.7).map((l) => [l, pick(random, VALUES)]));
}
