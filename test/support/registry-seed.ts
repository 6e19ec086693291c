import { Client } from 'pg';
import { topicNames } from '@airan/contracts';
import { StreamProducer } from './kafka-test-tools';
import { ServiceProcess } from './service-process';
import { type Isolation, eventually } from './stack';
import type { StreamMessage } from './telemetry-stream';

/**
 * Seeds the isolation's registry with the demo fleet the way a deployment gets it: the api seeds an
 * empty registry at start-up and relays it to `airan.registry.v1`. Returns once every registry event
 * is on the topic, and stops the api (the load tests need nothing else from it).
 */
export async function seedRegistry(isolation: Isolation): Promise<void> {
  const api = await ServiceProcess.start('api', { ...isolation.env, API_SEED_DEMO_FLEET: 'true' });
  const db = new Client({ connectionString: isolation.databaseUrl });
  await db.connect();
  try {
    await eventually(async () => {
      const { rows } = await db.query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS pending FROM api.outbox WHERE topic = $1`, [topicNames(isolation.topicPrefix).registry]);
      if (rows[0].total === 0 || rows[0].pending > 0) throw new Error(`registry not relayed yet: ${JSON.stringify(rows[0])}`);
    }, 60_000);
  } finally {
    await db.end();
    await api.stop();
  }
}

/**
 * Prepares an isolation for a load run: the demo registry seeded (as the api does it), every topic
 * created, and `messages` (if any) on the telemetry topic. Returns the telemetry topic's end offsets.
 */
export async function prepareRun(isolation: Isolation, messages: readonly StreamMessage[] = []): Promise<Map<number, bigint>> {
  await seedRegistry(isolation);
  const producer = await StreamProducer.open(isolation);
  try {
    await producer.send(messages);
    return await producer.endOffsets();
  } finally {
    await producer.close();
  }
}
