import { randomUUID } from 'node:crypto';
import { topicNames } from '@airan/contracts';
import { OutboxRepository, infrastructureMigration, openServiceDatabase } from '@airan/database';
import { OutboxRelay } from '@airan/kafka';
import { createLogger } from '@airan/observability';
import { deleteTopics } from '../support/kafka-test-tools';
import { dropDatabase, isolate } from '../support/stack';
import { cellLoadEvent } from '../support/stream-events';
import { testKafka } from '../support/test-kafka';
import { type LatencyFigures, figures, sleep } from './alert-common';
import { firstEmissions } from './pipeline-report';

export interface RelayBenchOptions {
  /** Windows closed in one transaction, as load closes a tick's windows. */
  readonly events: number;
  readonly rounds: number;
}

export interface RelayBenchResult {
  readonly options: RelayBenchOptions;
  /** Per event: its Kafka CreateTime − the commit of the transaction that added it. */
  readonly toKafka: LatencyFigures;
  /** Per round: from the commit until the relay had marked every event published (all acknowledged by Kafka). */
  readonly allPublished: LatencyFigures;
}

const SCHEMA = 'load';

/**
 * load's outbox relay alone (docs/performance.md "Outbox relay"): `events` cell-load events added in one
 * transaction, as when every cell's window closes in the same tick, and the time until they are on
 * `airan.cell-load.v1`. The relay is the one the services run (OutboxRelay, batches of 500), on its own
 * database and topic, so nothing else competes with it.
 */
export async function benchRelay(options: RelayBenchOptions, progress: (done: number) => void): Promise<RelayBenchResult> {
  const isolation = isolate();
  const topic = topicNames(isolation.topicPrefix).cellLoad;
  const kafka = testKafka('airan-bench-relay', isolation.env.KAFKA_BROKERS.split(','));
  const admin = kafka.admin();
  await admin.connect();
  const dataSource = await openServiceDatabase({ url: isolation.databaseUrl, schema: SCHEMA, migrations: [infrastructureMigration(SCHEMA)] });
  const outbox = new OutboxRepository(SCHEMA);
  const relay = new OutboxRelay(kafka, dataSource, outbox, createLogger('bench-relay', 'error'));
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 6 }] });
    await relay.onApplicationBootstrap();
    const committedAt = new Map<string, number>();
    const allPublished: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const windowStart = new Date(Date.UTC(2026, 0, 1) + round * 60_000).toISOString();
      const events = Array.from({ length: options.events }, (_, i) => ({ ...cellLoadEvent({ operatorId: 'skt', siteId: `site-${Math.floor(i / 20)}`, cellId: `cell-${i}` }), windowStart }));
      await dataSource.transaction((tx) => outbox.add(tx, events.map((value) => ({ eventId: randomUUID(), topic, key: value.cellId, value, headers: {} }))));
      const committed = Date.now();
      for (const e of events) committedAt.set(`${e.cellId}|${windowStart}`, committed);
      for (;;) {
        const [{ n }] = await dataSource.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".outbox WHERE published_at IS NULL`);
        if (n === 0) break;
        await sleep(5);
      }
      allPublished.push(Date.now() - committed);
      progress((round + 1) / options.rounds);
      await sleep(500);
    }
    const times = await firstEmissions(kafka, topic);
    return { options, toKafka: figures('commit → Kafka timestamp, per event', [...committedAt].map(([key, at]) => (times.get(key) ?? NaN) - at)), allPublished: figures('commit → all marked published, per round', allPublished) };
  } finally {
    await relay.onModuleDestroy();
    await dataSource.destroy();
    await admin.disconnect();
    await deleteTopics(isolation);
    await dropDatabase(isolation);
  }
}

export function relayTable(r: RelayBenchResult): string {
  const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : '–');
  return [
    `Outbox relay: ${r.options.events.toLocaleString('en')} cell-load events added in one transaction, ${r.options.rounds} rounds`,
    '',
    '| relay latency | n | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|',
    ...[r.toKafka, r.allPublished].map((f) => `| ${f.from} | ${f.n} | ${ms(f.p50Ms)} | ${ms(f.p99Ms)} | ${ms(f.maxMs)} |`),
  ].join('\n');
}
