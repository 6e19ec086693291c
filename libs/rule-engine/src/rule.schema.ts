import { z } from 'zod';
import { LABEL_NAME } from './labels';
import { createMatcher, parseMatcher } from './matchers';
import { metricsFor } from './metrics';
import { RuleFormatError } from './rule.errors';
import type { AlertRule, Condition, Matcher } from './rule.model';

/** A finding about a rule, at a path like `all[0].metric` or `rules[2].forMs` ('' for the whole input). */
export interface RuleIssue {
  readonly path: string;
  readonly message: string;
}

export type RuleResult = { ok: true; rule: AlertRule } | { ok: false; issues: RuleIssue[] };
export type RuleSetResult = { ok: true; rules: AlertRule[] } | { ok: false; issues: RuleIssue[] };

/** Labels every alert gets from its instance or rule: a rule's own labels may not override them. */
const RESERVED_LABELS = ['alertname', 'severity', 'operator', 'site', 'cell'];

const labelName = z.string().regex(LABEL_NAME, 'must be a label name: a letter or _, then letters, digits or _');
/** Durations are integer milliseconds: no duration strings to parse or round. */
const durationMs = z.number().int().nonnegative();

const condition = z
  .object({
    metric: z.string(),
    op: z.enum(['>', '>=', '<', '<=', 'dropPct']),
    threshold: z.number().finite(),
    recoveryThreshold: z.number().finite().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.op === 'dropPct' && !(c.threshold > 0 && c.threshold <= 100)) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'a drop is a percentage: more than 0, at most 100' });
    }
    // A recovery bound past the threshold would clear an alert sooner than it started: the reverse of hysteresis.
    const falls = c.op === '<' || c.op === '<=';
    if (c.recoveryThreshold !== undefined && (falls ? c.recoveryThreshold < c.threshold : c.recoveryThreshold > c.threshold)) {
      ctx.addIssue({ code: 'custom', path: ['recoveryThreshold'], message: `must be ${falls ? 'at least' : 'at most'} the threshold for ${c.op}` });
    }
  });

const matcherObject = z.object({ name: z.string(), op: z.enum(['=', '!=', '=~', '!~']), value: z.string() }).strict();

/** A scope matcher, as text (`site=~"skt-.*"`) or as an object; both are checked the same way. */
const scopeMatcher = z
  .union([z.string(), matcherObject], { errorMap: () => ({ message: 'expected a matcher like site=~"skt-.*" or { name, op, value }' }) })
  .transform((entry, ctx): Matcher => {
    try {
      return typeof entry === 'string' ? parseMatcher(entry) : createMatcher(entry.name, entry.op, entry.value);
    } catch (error) {
      if (!(error instanceof RuleFormatError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
  });

const labels = z.record(labelName, z.string());

/** A rule's id, as its path names it too: lower-case letters, digits and dashes, up to 63 characters. */
export const ruleIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be 1 to 63 lower-case letters, digits or dashes, not starting with a dash');

const ruleObject = z
  .object({
    id: ruleIdSchema,
    alertname: z.string().regex(LABEL_NAME, 'must be a letter or _, then letters, digits or _'),
    kind: z.enum(['window', 'sample', 'absence']).default('window'),
    source: z.enum(['cell', 'gpu']).optional(),
    target: z.enum(['site', 'cell']).optional(),
    all: z.array(condition).default(() => []),
    any: z.array(condition).default(() => []),
    scope: z.array(scopeMatcher).default(() => []),
    forMs: durationMs.default(0),
    keepFiringForMs: durationMs.default(0),
    flap: z
      .object({ windowMs: z.number().int().positive(), maxTransitions: z.number().int().min(2) })
      .strict()
      .default(() => ({ windowMs: 600_000, maxTransitions: 4 })),
    groupBy: z.array(labelName).default(() => ['alertname', 'site']),
    escalateAfterMs: z.number().int().positive().nullable().default(null),
    severity: z.enum(['critical', 'warning', 'info']).default('warning'),
    labels: labels
      .superRefine((map, ctx) => {
        for (const name of Object.keys(map).filter((n) => RESERVED_LABELS.includes(n))) {
          ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is set by the alert itself and cannot be overridden` });
        }
      })
      .default(() => ({})),
    annotations: labels.default(() => ({})),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (rule.all.length === 0 && rule.any.length === 0) issue(['all'], 'needs at least one condition, in all or in any');
    if (rule.kind === 'sample' && !rule.source) issue(['source'], 'sample rules need a source: cell or gpu');
    if (rule.kind !== 'sample' && rule.source) issue(['source'], 'only sample rules have a source');
    if (rule.kind === 'absence' && !rule.target) issue(['target'], 'absence rules need a target: site or cell');
    if (rule.kind !== 'absence' && rule.target) issue(['target'], 'only absence rules have a target');
    // A sample rule without a source has no metric list: its source issue says enough.
    if (rule.kind === 'sample' && !rule.source) return;
    const allowed = metricsFor(rule.kind, rule.source);
    const checkMetrics = (list: 'all' | 'any', conditions: readonly Condition[]) =>
      conditions.forEach((c, i) => {
        if (!allowed.includes(c.metric)) issue([list, i, 'metric'], `unknown metric "${c.metric}" for ${rule.kind} rules; one of: ${allowed.join(', ')}`);
      });
    checkMetrics('all', rule.all);
    checkMetrics('any', rule.any);
  });

/** A rule as an API or a YAML file states it, with defaults applied. */
export const ruleSchema: z.ZodType<AlertRule, z.ZodTypeDef, unknown> = ruleObject;

export const ruleSetSchema = z
  .object({ rules: z.array(ruleSchema) })
  .strict()
  .superRefine((set, ctx) => {
    const firstIndex = new Map<string, number>();
    set.rules.forEach((rule, i) => {
      const first = firstIndex.get(rule.id);
      if (first === undefined) firstIndex.set(rule.id, i);
      else ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate rule id "${rule.id}" (also rules[${first}])` });
    });
  });

/** `all[0].metric`, `rules[2].forMs`, `labels.team`. */
function formatPath(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** zod's findings, one per unknown key too, so every offending field is named. */
function issuesOf(error: z.ZodError): RuleIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

export function parseRule(input: unknown): RuleResult {
  const parsed = ruleSchema.safeParse(input);
  return parsed.success ? { ok: true, rule: parsed.data } : { ok: false, issues: issuesOf(parsed.error) };
}

/** Parses `{ rules: [...] }`; rule ids must be unique. */
export function parseRuleSet(input: unknown): RuleSetResult {
  const parsed = ruleSetSchema.safeParse(input);
  return parsed.success ? { ok: true, rules: parsed.data.rules } : { ok: false, issues: issuesOf(parsed.error) };
}
