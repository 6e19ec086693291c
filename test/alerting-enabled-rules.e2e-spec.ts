import { type DataSource, openServiceDatabase } from '@airan/database';
import { parseMatcher, type RuleIndex } from '@airan/rule-engine';
import { rule } from '../libs/rule-engine/src/rule-state.fixtures';
import { ALERTING_MIGRATIONS } from '../apps/alerting/src/alerting.migrations';
import { EnabledRules } from '../apps/alerting/src/rules/enabled-rules.cache';
import { DEFAULT_RULES } from '../apps/alerting/src/rules/default-rules';
import { RuleRepository } from '../apps/alerting/src/rules/rule.repository';
import { dropDatabase, isolate } from './support/stack';

const extra = rule({ id: 'zz-extra', scope: [parseMatcher('site="s1"')] });
const ids = (index: RuleIndex) => index.rules.map((r) => r.id);

/**
 * Alerting's enabled rules, compiled once per version of the rule set, against Postgres: every change of
 * `alerting.rules`, by the repository or by plain SQL, is seen by the next batch's transaction, and only
 * once committed; while nothing changes, the compiled index is reused.
 */
describe('EnabledRules', () => {
  const isolation = isolate();
  const repository = new RuleRepository();
  const enabled = new EnabledRules(repository);
  let db: DataSource;
  const current = () => db.transaction((tx) => enabled.in(tx));

  beforeAll(async () => {
    db = await openServiceDatabase({ url: isolation.databaseUrl, schema: 'alerting', migrations: ALERTING_MIGRATIONS });
  });

  afterAll(async () => {
    await db.destroy();
    await dropDatabase(isolation);
  });

  it('answers the enabled rules by id, and the same compiled index while the rule set stays as it was', async () => {
    const first = await current();
    expect(ids(first)).toEqual(DEFAULT_RULES.filter((r) => r.enabled).map((r) => r.id).sort());
    expect(await current()).toBe(first);
  });

  it('sees a rule added through the repository once its transaction commits, not before', async () => {
    const before = await current();
    const writer = db.createQueryRunner();
    await writer.startTransaction();
    try {
      await repository.upsert(writer.manager, extra);
      expect(await current()).toBe(before);
      await writer.commitTransaction();
    } finally {
      await writer.release();
    }
    const after = await current();
    expect(ids(after)).toEqual([...ids(before), 'zz-extra']);
    expect(after.matching('window', { site: 's1', cell: 'c1' }).map((r) => r.id)).toContain('zz-extra');
    expect(after.matching('window', { site: 's2', cell: 'c1' }).map((r) => r.id)).not.toContain('zz-extra');
  });

  it('sees a rule disabled, enabled and deleted by plain SQL', async () => {
    const id = DEFAULT_RULES[0].id;
    await db.query(`UPDATE alerting.rules SET enabled = false, definition = jsonb_set(definition, '{enabled}', 'false') WHERE id = $1`, [id]);
    expect(ids(await current())).not.toContain(id);
    await db.query(`UPDATE alerting.rules SET enabled = true, definition = jsonb_set(definition, '{enabled}', 'true') WHERE id = $1`, [id]);
    expect(ids(await current())).toContain(id);
    await db.query('DELETE FROM alerting.rules WHERE id = $1', ['zz-extra']);
    expect(ids(await current())).not.toContain('zz-extra');
  });

  it('a rolled-back change leaves the compiled index in use', async () => {
    const before = await current();
    await db
      .transaction(async (tx) => {
        await repository.upsert(tx, { ...extra, id: 'never' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await current()).toBe(before);
  });
});
