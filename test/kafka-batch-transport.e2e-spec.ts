import { Controller, type INestApplication, Module, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Kafka, Partitioners } from 'kafkajs';
import { testKafka } from './support/test-kafka';
import type { DataSource } from 'typeorm';
import { infrastructureMigration, openServiceDatabase } from '@airan/database';
import { FeatureError } from '@airan/errors';
import { connectKafkaConsumers } from '@airan/http';
import { type ConsumedMessage, KafkaBatchContext, KafkaBatchTransport } from '@airan/kafka';
import { createLogger } from '@airan/observability';
import { eventually, isolate } from './support/stack';

const TOPIC = 'airan.transport-test.v1';

class TestError extends FeatureError<'REFUSED_ONCE'> {
  readonly feature = 'transport-test';
}

/** Values the handler refuses on their first delivery: one by a plain error, one by a feature error. */
const REFUSED_ONCE = new Map<string, () => Error>([
  ['m-7', () => new Error('boom')],
  ['m-13', () => new TestError('REFUSED_ONCE', 'refused once')],
]);
const deliveries = new Map<string, number>();
let initHooks = 0;

@Controller()
class RecordingConsumer implements OnModuleInit {
  onModuleInit(): void {
    initHooks++;
  }

  @EventPattern(TOPIC)
  async record(@Payload() batch: ConsumedMessage<{ v: string }>[], @Ctx() context: KafkaBatchContext): Promise<void> {
    for (const { value } of batch) {
      // Written first, so a failure later in the batch must take these rows back with it.
      await context.transaction.query('INSERT INTO t.seen (v, topic, part) VALUES ($1, $2, $3)', [value.v, context.topic, context.partition]);
      const n = (deliveries.get(value.v) ?? 0) + 1;
      deliveries.set(value.v, n);
      const refusal = REFUSED_ONCE.get(value.v);
      if (refusal && n === 1) throw refusal();
    }
  }
}

@Module({ controllers: [RecordingConsumer] })
class TestModule {}

/**
 * The Kafka batch transport on the real broker and Postgres, connected to a hybrid app as every service
 * connects it (connectKafkaConsumers): a `@EventPattern` handler gets each
 * partition batch with its transaction; what it writes commits with the stored offset, and a batch whose
 * handler throws (plainly or with a feature error) is rolled back whole and delivered again, so every
 * message takes effect exactly once. The error mapper logs the failure with its feature code.
 */
describe('Kafka batch transport', () => {
  const isolation = isolate();
  const logged: Array<Record<string, unknown>> = [];
  const logger = createLogger('transport-test', 'error', { write: (line: string) => void logged.push(JSON.parse(line)) });
  const kafka = testKafka('transport-test', isolation.env.KAFKA_BROKERS.split(','));
  let dataSource: DataSource;
  let app: INestApplication;
  const values = Array.from({ length: 20 }, (_, i) => `m-${i}`);
  /** A consumer that stopped for good: none must here, since every refusal is retried. */
  const fatal: Error[] = [];

  beforeAll(async () => {
    dataSource = await openServiceDatabase({ url: isolation.databaseUrl, schema: 't', migrations: [infrastructureMigration('t')] });
    await dataSource.query('CREATE TABLE t.seen (v text NOT NULL, topic text NOT NULL, part int NOT NULL)');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: isolation.topicPrefix + TOPIC, numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: isolation.topicPrefix + TOPIC, messages: values.map((v, i) => ({ key: String(i % 4), value: JSON.stringify({ v }) })) });
    await producer.disconnect();

    const transport = new KafkaBatchTransport({ kafka, dataSource, schema: 't', prefix: isolation.topicPrefix, groups: { [TOPIC]: 'transport-test' }, logger, onFatal: (error) => fatal.push(error) });
    app = await NestFactory.create(TestModule, new FastifyAdapter(), { logger: false });
    connectKafkaConsumers(app, transport, logger);
    await app.init();
    await app.startAllMicroservices();
  });

  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
  });

  it('applies every message exactly once, although two batches failed once and were rolled back', async () => {
    const rows = await eventually(async () => {
      const { length } = await dataSource.query('SELECT 1 FROM t.seen');
      const [{ applied }] = await dataSource.query('SELECT coalesce(sum(next_offset), 0)::int AS applied FROM t.consumer_offsets');
      if (applied < values.length) throw new Error(`${applied} of ${values.length} applied (${length} rows)`);
      return dataSource.query('SELECT v, topic FROM t.seen ORDER BY v');
    }, 60_000);
    expect(rows.map((r: { v: string }) => r.v)).toEqual([...values].sort());
    expect(new Set(rows.map((r: { topic: string }) => r.topic))).toEqual(new Set([isolation.topicPrefix + TOPIC]));
    // Handed over again after each failure of its batch (both may share a batch), stored once.
    expect(deliveries.get('m-7')).toBeGreaterThanOrEqual(2);
    expect(deliveries.get('m-13')).toBeGreaterThanOrEqual(2);
  });

  it("runs the modules' init hooks once, though the consumers start after the app's init", () => {
    expect(initHooks).toBe(1);
  });

  it('never stops a consumer for good over failures that a retry clears', () => {
    expect(fatal).toEqual([]);
  });

  it('logs each failure through the Kafka error mapper, a feature error with its code', () => {
    const failures = logged.filter((l) => l.msg === 'batch handler failed; the batch is rolled back and delivered again');
    expect(failures.map((l) => [l.err, l.code])).toEqual(expect.arrayContaining([['boom', undefined], ['refused once', 'transport-test.REFUSED_ONCE']]));
  });
});
