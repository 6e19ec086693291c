import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { TOPICS, type TopicKey } from '@airan/contracts';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { type ReadMessage, TopicReader } from './support/topic-reader';

interface AsyncApiMessage {
  readonly payload: object;
  readonly headers: object;
}
interface AsyncApiDocument {
  readonly channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  readonly components: { messages: Record<string, AsyncApiMessage> };
}

/**
 * The AsyncAPI document the api serves against real events: the services themselves produce a report,
 * a dead letter, a closed window, an alert and its acknowledgement, registry writes and a tombstone,
 * and every message on every topic must match its channel's payload and header schemas (and the
 * partners' view of its product accepts the events it is cut from).
 */
describe('AsyncAPI: every topic carries what the document says', () => {
  const isolation = isolate();
  const services: ServiceProcess[] = [];
  const readers = new Map<TopicKey, TopicReader<unknown>>();
  let document: AsyncApiDocument;
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));

  const WINDOW_MS = 60_000;
  const t0 = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 3 * WINDOW_MS;
  const at = (offsetMs: number) => new Date(t0 + offsetMs).toISOString();
  const SITE = 'skt-seoul-gangnam-01';

  beforeAll(async () => {
    const env = { ...isolation.env, LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: '5000', LOAD_DEFAULT_CELL_GPUS: '0.25' };
    const alerting = await ServiceProcess.start('alerting', env);
    services.push(alerting, ...(await Promise.all([ServiceProcess.start('ingest', env), ServiceProcess.start('load', env), ServiceProcess.start('api', { ...env, API_ALERTING_URL: alerting.url })])));
    for (const key of Object.keys(TOPICS) as TopicKey[]) readers.set(key, await TopicReader.open(`${isolation.topicPrefix}${TOPICS[key].name}`));
    document = (await (await fetch(`${services[3].url}/asyncapi.json`)).json()) as AsyncApiDocument;
  });

  afterAll(async () => {
    await Promise.all([...readers.values()].map((r) => r.close()));
    await Promise.all(services.map((s) => s.stop()));
  });

  const messagesOf = (key: TopicKey) => readers.get(key)!.messages;
  const waitFor = (key: TopicKey, what: string, found: (m: ReadMessage<unknown>) => boolean) =>
    eventually(async () => {
      if (!messagesOf(key).some(found)) throw new Error(`no ${what} on ${key} yet (${messagesOf(key).length} messages)`);
    }, 60_000);
  const componentOf = (ref: string) => document.components.messages[ref.slice(ref.lastIndexOf('/') + 1)];
  /** A validator per message of a channel; a value must match one of them, as a consumer would check. */
  const validatorsOf = (channel: string): Array<{ payload: ValidateFunction; headers: ValidateFunction }> =>
    Object.values(document.channels[channel].messages).map(({ $ref }) => ({ payload: ajv.compile(componentOf($ref).payload), headers: ajv.compile(componentOf($ref).headers) }));

  it('produces one event of every kind through the real services', async () => {
    const [operator, ops, admin] = await Promise.all([createApiKey(isolation, 'operator', 'skt'), createApiKey(isolation, 'ops', 'noc'), createApiKey(isolation, 'admin', 'root')]);
    const records = [
      ...[15_000, 30_000, 45_000, 60_000].map((offset) => ({ type: 'cell', siteId: SITE, cellId: `${SITE}-c1`, ts: at(offset), intervalMs: 15_000, gpuMs: 4500, inferenceRequests: 10, prbDlPct: 40 })),
      { type: 'gpu', siteId: SITE, node: `${SITE}-gpu01`, device: '0', ts: at(30_000), utilPct: 55, tempC: 61 },
      { type: 'cell', siteId: SITE, cellId: `${SITE}-c2`, ts: at(30_000), intervalMs: 15_000, prbDlPct: 140 },
      { type: 'heartbeat', siteId: SITE, ts: at(WINDOW_MS + 5000) },
    ];
    const posted = await postWithNewKey(`${services[1].url}/v1/telemetry`, operator.key, { records });
    expect(await posted.json()).toMatchObject({ accepted: 6, rejected: 1 });
    await waitFor('telemetryDlq', 'dead letter', () => true);
    await waitFor('cellLoad', 'closed window', () => true);
    await waitFor('alerts', 'firing alert', (m) => (m.value as { status: string }).status === 'firing');
    const firing = messagesOf('alerts').find((m) => (m.value as { status: string }).status === 'firing')!;
    const api = services[3].url;
    const ack = await fetch(`${api}/v1/alerts/${firing.key}/ack`, { method: 'POST', headers: { authorization: `Bearer ${ops.key}`, 'content-type': 'application/json' }, body: '{"comment":"looking"}' });
    expect(ack.status).toBe(200);
    const partner = `${api}/v1/registry/partner/contract-test`;
    const asAdmin = { authorization: `Bearer ${admin.key}` };
    expect((await fetch(partner, { method: 'PUT', headers: { ...asAdmin, 'content-type': 'application/json' }, body: '{"name":"Contract test"}' })).status).toBe(200);
    expect((await fetch(partner, { method: 'DELETE', headers: asAdmin })).status).toBe(204);
    await waitFor('alerts', 'acknowledgement', (m) => (m.value as { change: string }).change === 'acknowledged');
    await waitFor('registry', 'tombstone', (m) => m.key === 'partner:contract-test' && m.value === null);
  });

  it.each(Object.keys(TOPICS) as TopicKey[])('every message on %s matches its channel (payload, headers)', (key) => {
    const validators = validatorsOf(key);
    expect(messagesOf(key).length).toBeGreaterThan(0);
    for (const message of messagesOf(key)) {
      const matching = validators.filter((v) => v.payload(message.value) && v.headers(message.headers));
      if (matching.length === 0) throw new Error(`${key} message at offset ${message.offset} matches no message of its channel: ${JSON.stringify(validators.map((v) => [...(v.payload.errors ?? []), ...(v.headers.errors ?? [])]))}`);
      // The registry seed runs at start-up, outside any trace: only what a request wrote is traced.
      if (key !== 'registry' || message.key === 'partner:contract-test') expect([message.offset, message.headers.traceparent]).toEqual([message.offset, expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)]);
    }
  });

  it.each([
    ['cellLoad', 'SharedCellLoad'],
    ['alerts', 'SharedAlerts'],
    ['telemetry', 'SharedTelemetry'],
  ] as const)("accepts every %s event as it is in the partners' view (%s)", (key, shared) => {
    const validate = ajv.compile(document.components.messages[shared].payload);
    for (const message of messagesOf(key)) expect([message.offset, validate(message.value), validate.errors]).toEqual([message.offset, true, null]);
  });
});
