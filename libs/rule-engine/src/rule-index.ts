import { type Labels, instanceLabels, labelValue } from './labels';
import { matchesAll } from './matchers';
import type { AlertRule, Matcher, SampleSource } from './rule.model';

/** What a rule is evaluated on: a cell or GPU sample as it arrives, or a closed cell window. */
export type Evidence = SampleSource | 'window';

/** A rule's scope, split once: what its own labels decide is settled, the rest is matched against each target. */
interface CompiledRule {
  readonly rule: AlertRule;
  /** Position among the enabled rules (by id): steps keep the order they had when every rule was tried. */
  readonly position: number;
  /** The target matchers left once the index has chosen the rule by one of them. */
  readonly residual: readonly Matcher[];
}

/** Rules found by a target label's value (`name="value"` in their scope), and those every target must try. */
class EvidenceRules {
  private readonly byLabel = new Map<string, Map<string, CompiledRule[]>>();
  private readonly unindexed: CompiledRule[] = [];
  /** When no rule needs a target label (unscoped rule sets, the usual case): the one answer for every target. */
  private everyTarget: readonly AlertRule[] | null = [];

  add(rule: AlertRule, position: number, targetMatchers: readonly Matcher[]): void {
    const key = targetMatchers.find((m) => m.op === '=');
    const compiled = { rule, position, residual: targetMatchers.filter((m) => m !== key) };
    this.everyTarget = this.everyTarget && targetMatchers.length === 0 ? [...this.everyTarget, rule] : null;
    if (!key) return void this.unindexed.push(compiled);
    const byValue = this.byLabel.get(key.name) ?? new Map<string, CompiledRule[]>();
    this.byLabel.set(key.name, byValue);
    const withValue = byValue.get(key.value);
    if (withValue) withValue.push(compiled);
    else byValue.set(key.value, [compiled]);
  }

  matching(target: Labels): readonly AlertRule[] {
    if (this.everyTarget) return this.everyTarget;
    const candidates = [...this.unindexed];
    for (const [name, byValue] of this.byLabel) candidates.push(...(byValue.get(labelValue(target, name)) ?? []));
    if (candidates.length > this.unindexed.length) candidates.sort((a, b) => a.position - b.position);
    return candidates.filter((c) => c.residual.length === 0 || matchesAll(c.residual, target)).map((c) => c.rule);
  }
}

/**
 * The enabled rules, compiled once per rule set rather than tried one by one against every sample and
 * window. A matcher on a label the rule itself sets (its `labels`, `alertname`, `severity` override the
 * target's, as in an instance's labels) is decided here: if it fails, the rule never matches. The rest
 * are matched against the target's labels, and a rule whose scope has `name="value"` is looked up by
 * that value. `matching` answers exactly the rules whose whole scope matches the instance's labels, in
 * the order of `rules`.
 */
export class RuleIndex {
  private readonly evidence: Record<Evidence, EvidenceRules> = { cell: new EvidenceRules(), gpu: new EvidenceRules(), window: new EvidenceRules() };

  /** `rules`: the enabled rules, in evaluation order. */
  constructor(readonly rules: readonly AlertRule[]) {
    rules.forEach((rule, position) => {
      const evidence = evidenceOf(rule);
      if (!evidence) return;
      const own = instanceLabels(rule, {});
      const decided = rule.scope.filter((m) => Object.hasOwn(own, m.name));
      if (!matchesAll(decided, own)) return;
      this.evidence[evidence].add(rule, position, rule.scope.filter((m) => !decided.includes(m)));
    });
  }

  /** The rules evaluated on this evidence for a target with these labels. */
  matching(evidence: Evidence, target: Labels): readonly AlertRule[] {
    return this.evidence[evidence].matching(target);
  }
}

function evidenceOf(rule: AlertRule): Evidence | undefined {
  if (rule.kind === 'window') return 'window';
  if (rule.kind === 'sample') return rule.source ?? 'cell';
  return undefined;
}
