import { randomUUID } from 'node:crypto';
import { testKafka } from './support/test-kafka';
import { Client } from 'pg';
import { TELEMETRY_DLQ_SCHEMA, type TelemetryDeadLetter, topicNames } from '@airan/contracts';
import { type HistoryPage, getJson, historyUrl } from './support/history-http';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate } from './support/stack';

const DAY_MS = 86_400_000;

/**
 * The api's read model of the dead-letter topic, fed straight from the topic: each event id once however
 * often it is delivered, the operator taken from the dead letter's principal, a message that is not a dead
 * letter passed over without blocking the partition, NUL characters stored, and letters past retention
 * pruned (here at the restart; hourly in a running api).
 */
describe('history: the dead-letter read model', () => {
  const isolation = isolate();
  const kafka = testKafka('airan-test-dlq');
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  let api: ServiceProcess;
  let db: Client;

  const letter = (operatorId: string, receivedAt: number, extra: Partial<TelemetryDeadLetter> = {}): TelemetryDeadLetter => ({
    schema: TELEMETRY_DLQ_SCHEMA,
    id: randomUUID(),
    reason: 'INVALID_VALUE',
    errors: [{ path: '$.records[0].prbDlPct', code: 'INVALID_VALUE', message: 'must be at most 100' }],
    format: 'native',
    keyId: `${operatorId}-key`,
    operatorId,
    siteId: `${operatorId}-site-01`,
    receivedAt,
    raw: { type: 'cell', prbDlPct: 140 },
    ...extra,
  });
  const send = (values: unknown[]) =>
    producer.send({ topic: topicNames(isolation.topicPrefix).telemetryDlq, acks: -1, messages: values.map((v) => ({ key: 'k', value: typeof v === 'string' ? v : JSON.stringify(v) })) });
  const stored = async () => (await db.query('SELECT event_id, operator_id, raw, errors, raw_truncated_bytes FROM api.dead_letters ORDER BY received_at')).rows;

  beforeAll(async () => {
    api = await ServiceProcess.start('api', isolation.env);
    await producer.connect();
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await db?.end();
    await api?.stop();
  });

  it('records each dead letter once under its operator, passes over what is not one, and prunes past retention', async () => {
    const now = Date.now();
    const skt = letter('skt', now - 60_000, { rawTruncated: { bytes: 2_000_000 }, raw: '{"records": [' });
    const nul = letter('skt', now - 30_000, { raw: { 'na\u0000me': 'a\u0000b' }, errors: [{ path: '$.x', code: 'BAD', message: 'nul \u0000 here' }] });
    const kt = letter('kt', now - 10_000);
    const old = letter('kt', now - 40 * DAY_MS);
    await send([skt, 'not json at all', { schema: 'something/1', id: 'x' }, skt, nul, kt, old, skt]);
    await eventually(async () => {
      if ((await stored()).length < 4) throw new Error('not all recorded yet');
    });
    // Delivered three times, recorded once; the two messages that are not dead letters left no trace.
    await send([kt]);
    const sentinel = letter('kt', now);
    await send([sentinel]);
    await eventually(async () => {
      if (!(await stored()).some((r) => r.event_id === sentinel.id)) throw new Error('sentinel not recorded yet');
    });
    expect((await stored()).map((r) => [r.event_id, r.operator_id])).toEqual([
      [old.id, 'kt'],
      [skt.id, 'skt'],
      [nul.id, 'skt'],
      [kt.id, 'kt'],
      [sentinel.id, 'kt'],
    ]);
    const rows = await stored();
    expect(rows[1]).toMatchObject({ raw: '{"records": [', raw_truncated_bytes: 2_000_000 });
    expect(rows[2]).toMatchObject({ raw: { 'na\uFFFDme': 'a\uFFFDb' }, errors: [{ message: 'nul \uFFFD here' }] });

    const [sktKey, ktKey] = (await Promise.all([createApiKey(isolation, 'operator', 'skt'), createApiKey(isolation, 'operator', 'kt')])).map((k) => k.key);
    const own = await getJson<HistoryPage>(historyUrl(api.url, 'dead-letters'), sktKey);
    expect(own.body.items.map((i) => i.eventId)).toEqual([skt.id, nul.id]);
    expect(own.body.items[0]).toEqual({
      eventId: skt.id, operatorId: 'skt', siteId: 'skt-site-01', keyId: 'skt-key', format: 'native', reason: 'INVALID_VALUE', errors: skt.errors, raw: '{"records": [',
      rawTruncatedBytes: 2_000_000, receivedAt: new Date(skt.receivedAt).toISOString(),
    });

    // 40 days old: past the 30-day retention, pruned when the api (re)starts.
    await api.stop();
    api = await ServiceProcess.start('api', isolation.env);
    expect((await stored()).map((r) => r.event_id)).toEqual([skt.id, nul.id, kt.id, sentinel.id]);
    expect((await getJson<HistoryPage>(historyUrl(api.url, 'dead-letters'), ktKey)).body.items.map((i) => i.eventId)).toEqual([kt.id, sentinel.id]);
  });
});
