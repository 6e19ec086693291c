import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { CLAIM_PLANNER_SETTINGS, type DataSource, OutboxRepository, infrastructureMigration, openServiceDatabase } from '@airan/database';
import { OutboxRelay } from '@airan/kafka';
import { createLogger } from '@airan/observability';
import { readTopicToEnd } from './support/kafka-test-tools';
import { dropDatabase, eventually, isolate } from './support/stack';
import { testKafka } from './support/test-kafka';

const SCHEMA = 'relaytest';
const BATCH = 100;

/**
 * The outbox relay against the real broker and Postgres: every key's events reach Kafka once each, in the
 * order they were added, and a batch Kafka refuses stops everything behind it until it goes through. Any
 * change to how the relay overlaps its batches must keep both. Each holds with two relays on one outbox too,
 * as when a service runs as several instances.
 */
describe('OutboxRelay', () => {
  const isolation = isolate();
  const kafka = testKafka('outbox-relay-test', isolation.env.KAFKA_BROKERS.split(','));
  const outbox = new OutboxRepository(SCHEMA);
  const failures: string[] = [];
  const logger = createLogger('outbox-relay-test', 'warn');
  let dataSource: DataSource;
  let admin: Admin;
  let relays: OutboxRelay[] = [];

  beforeAll(async () => {
    dataSource = await openServiceDatabase({ url: isolation.databaseUrl, schema: SCHEMA, migrations: [infrastructureMigration(SCHEMA)] });
    admin = kafka.admin();
    await admin.connect();
    logger.warn = ((fields: { err?: string }) => void failures.push(String(fields.err))) as typeof logger.warn;
  });

  afterEach(async () => {
    await Promise.all(relays.map((r) => r.onModuleDestroy()));
    relays = [];
  });

  afterAll(async () => {
    await admin.disconnect();
    await dataSource.destroy();
    await dropDatabase(isolation);
  });

  async function topic(name: string, numPartitions: number, configEntries: Array<{ name: string; value: string }> = []): Promise<string> {
    const full = `${isolation.topicPrefix}airan.relay-test.${name}.v1`;
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: full, numPartitions, configEntries }] });
    return full;
  }

  /** Adds events in transactions of `perTransaction`, as services do; values say their key and place in the key's sequence. */
  async function add(target: string, values: ReadonlyArray<{ key: string; n: number; pad?: string }>, perTransaction = 250): Promise<void> {
    for (let i = 0; i < values.length; i += perTransaction) {
      await dataSource.transaction((tx) =>
        outbox.add(tx, values.slice(i, i + perTransaction).map((value) => ({ eventId: randomUUID(), topic: target, key: value.key, value, headers: {} }))),
      );
    }
  }

  const pending = async () => Number((await dataSource.query(`SELECT count(*) AS n FROM "${SCHEMA}".outbox WHERE published_at IS NULL`))[0].n);
  const allPublished = () =>
    eventually(async () => {
      const left = await pending();
      if (left > 0) throw new Error(`${left} events not published yet`);
    });

  async function startRelays(count: number): Promise<void> {
    relays = Array.from({ length: count }, () => new OutboxRelay(kafka, dataSource, outbox, logger, BATCH));
    await Promise.all(relays.map((r) => r.onApplicationBootstrap()));
  }

  const RELAYS = [1, 2];

  it.each(RELAYS)("publishes 3,000 events of 30 keys in batches of 100 with %i relay(s): each once, each key's in order, all marked published", async (count) => {
    const target = await topic(`ordered-${count}`, 3);
    const values = Array.from({ length: 3000 }, (_, i) => ({ key: `cell-${i % 30}`, n: Math.floor(i / 30) }));
    await add(target, values);
    await startRelays(count);
    await allPublished();

    const stored = await readTopicToEnd<{ key: string; n: number }>(target);
    expect(stored).toHaveLength(3000);
    const byKey = new Map<string, number[]>();
    for (const m of stored) {
      expect(m.key).toBe(m.value.key);
      byKey.set(m.value.key, [...(byKey.get(m.value.key) ?? []), m.value.n]);
    }
    expect(byKey.size).toBe(30);
    for (const ns of byKey.values()) expect(ns).toEqual(Array.from({ length: 100 }, (_, n) => n));
  });

  it.each(RELAYS)('sends nothing behind a batch Kafka refuses with %i relay(s), and everything once, in order, when it goes through', async (count) => {
    // One partition: a batch is refused whole. A batch of 100 small events (about 4.5 KB) fits in 8,000 bytes; the one with a 6 KB event does not.
    const target = await topic(`refused-${count}`, 1, [{ name: 'max.message.bytes', value: '8000' }]);
    const values = Array.from({ length: 1000 }, (_, n) => ({ key: 'site-a', n, ...(n === 550 ? { pad: 'x'.repeat(6000) } : {}) }));
    await add(target, values);
    failures.length = 0;
    await startRelays(count);
    // The sixth batch (events 500–599) fails, pass after pass (each relay retries on its sweep); nothing behind it may go out.
    await eventually(async () => {
      if (failures.length < 4) throw new Error(`${failures.length} failed passes so far`);
    });
    expect(failures.join('\n')).toMatch(/larger than the max message size/);
    expect((await readTopicToEnd<{ n: number }>(target)).map((m) => m.value.n)).toEqual(Array.from({ length: 500 }, (_, n) => n));
    expect(await pending()).toBe(500);

    await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: target, configEntries: [{ name: 'max.message.bytes', value: '1048588' }] }] });
    await allPublished();
    expect((await readTopicToEnd<{ n: number }>(target)).map((m) => m.value.n)).toEqual(Array.from({ length: 1000 }, (_, n) => n));
  });

  it('claims along the index even where a bitmap scan looks cheaper, so the entries of published rows are passed over once', async () => {
    // A fresh outbox that autovacuum has not analyzed yet (it is kept from doing so here), after a burst of
    // 5,000 events was published, as the api's after the pipeline bench registered its fleet: left alone,
    // the planner reads it with a bitmap scan and a sort.
    const schema = 'relayplan';
    const fresh = await openServiceDatabase({ url: isolation.databaseUrl, schema, migrations: [infrastructureMigration(schema)] });
    const freshOutbox = new OutboxRepository(schema);
    try {
      await fresh.query(`ALTER TABLE "${schema}".outbox SET (autovacuum_enabled = false)`);
      for (let i = 0; i < 5; i++) {
        await fresh.transaction((tx) => freshOutbox.add(tx, Array.from({ length: 1000 }, (_, n) => ({ eventId: randomUUID(), topic: 'airan.relay-test.plan.v1', key: `k${n % 50}`, value: { n }, headers: {} }))));
        await fresh.query(`UPDATE "${schema}".outbox SET published_at = now() WHERE published_at IS NULL`);
      }
      const planNodes = (settings: Readonly<Record<string, string>>) =>
        fresh.transaction(async (tx) => {
          for (const [name, value] of Object.entries(settings)) await tx.query('SELECT set_config($1, $2, true)', [name, value]);
          const [{ 'QUERY PLAN': plan }] = await tx.query(`EXPLAIN (FORMAT JSON) ${freshOutbox.claimStatement}`, [BATCH]);
          return [...JSON.stringify(plan).matchAll(/"Node Type":"([^"]+)"/g)].map((m) => m[1]);
        });
      expect(await planNodes({})).toContain('Bitmap Heap Scan');
      expect(await planNodes(CLAIM_PLANNER_SETTINGS)).toEqual(['Limit', 'Index Scan']);
    } finally {
      await fresh.destroy();
    }
  });
});
