import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RuleIndex } from '@airan/rule-engine';
import { RuleRepository } from './rule.repository';

/**
 * The enabled rules, compiled into a RuleIndex once per version of the rule set (alerting.rule_set_version,
 * raised by every change of a rule). Each batch still asks, inside its transaction, which version it sees,
 * so it evaluates exactly the rules it would have read: only the definitions and their compiling are saved.
 */
@Injectable()
export class EnabledRules {
  private compiled: { readonly version: string; readonly index: RuleIndex } | undefined;

  constructor(private readonly rules: RuleRepository) {}

  async in(tx: EntityManager): Promise<RuleIndex> {
    const seen = this.compiled;
    const { version, rules } = await this.rules.enabledUnlessAt(tx, seen?.version ?? null);
    // No rules come back only when the version is the one `seen` was compiled at.
    if (rules === null) return seen!.index;
    // Batches of other partitions ask concurrently: each answers what its own transaction read.
    const index = new RuleIndex(rules);
    this.compiled = { version, index };
    return index;
  }
}
