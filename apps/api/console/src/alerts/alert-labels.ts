/**
 * The rule engine's own label matching and grouping, so the console's silence preview and board groups
 * are exactly alerting's (pure modules: no Nest, Kafka or SQL behind them).
 */
export { createMatcher, formatMatcher, matchesAll, parseMatcher } from '../../../../../libs/rule-engine/src/matchers';
export { groupKey, groupLabels } from '../../../../../libs/rule-engine/src/grouping';
