import type { TelemetryReport } from '@airan/contracts';
import { FLEET } from '@airan/demo-fleet';
import { readTopicToEnd } from './support/kafka-test-tools';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

/**
 * Records awaiting Kafka are bounded by INGEST_MAX_INFLIGHT_RECORDS, shared fairly between operators:
 * one operator flooding ingest with large batches is refused (503 + Retry-After) while another
 * operator's requests keep being accepted and land on the topic.
 */
const BUDGET = 10_000;
/** Each flooding request takes half the budget: two in flight fill it. */
const FLOOD_BATCH = 5_000;
const FLOOD_CONCURRENCY = 8;
const KT_BATCH = 20;
/** kt posts at least this many times during the flood. */
const KT_REQUESTS = 10;

const SKT = FLEET.find((o) => o.id === 'skt')!.sites[0];
const KT = FLEET.find((o) => o.id === 'kt')!.sites[0];

const isolation = isolate();
let services: Record<'api' | 'ingest', ServiceProcess>;
let keys: { skt: string; kt: string };

beforeAll(async () => {
  // The rate limit is out of the way: this is about what waits for Kafka, not how often one asks.
  services = await startServices({ api: isolation.env, ingest: { ...isolation.env, INGEST_MAX_INFLIGHT_RECORDS: String(BUDGET), RATE_LIMIT_MAX: '1000000' } });
  const [skt, kt] = await Promise.all([createApiKey(isolation, 'operator', 'skt'), createApiKey(isolation, 'operator', 'kt')]);
  keys = { skt: skt.key, kt: kt.key };
  await Promise.all(Object.values(keys).map((key) => postWithNewKey(`${services.ingest.url}/v1/telemetry`, key, { records: [] })));
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(services ?? {}).map((s) => s.stop()));
});

interface Outcome {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: { error?: { code: string } };
}

async function post(key: string, records: readonly unknown[]): Promise<Outcome> {
  const response = await fetch(`${services.ingest.url}/v1/telemetry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Outcome['body'] };
}

/** `count` cell samples of one cell, each at its own millisecond from `start` back, so each sample is distinct. */
const cellRecords = (siteId: string, cellId: string, start: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ type: 'cell', siteId, cellId, ts: new Date(start - i).toISOString(), intervalMs: 15_000, prbDlPct: 40, gpuMs: 4500 }));

it("keeps accepting an operator's requests while another floods ingest, and refuses the flooder with 503 and Retry-After", async () => {
  const now = Date.now();
  const ktCell = KT.cells[0].id;
  let flooding = true;
  const sent: Array<{ start: number; outcome: Outcome }> = [];
  // kt posts one batch after another, as a site does, for as long as the flood lasts.
  const ktSending = (async () => {
    while (flooding) {
      const start = now - 60_000 + sent.length * KT_BATCH;
      sent.push({ start, outcome: await post(keys.kt, cellRecords(KT.id, ktCell, start, KT_BATCH)) });
    }
  })();

  const flood: Outcome[] = [];
  try {
    // Waves of concurrent large batches until the flooder has been refused and kt has posted throughout several of them.
    await eventually(async () => {
      const wave = flood.length;
      flood.push(...(await Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, (_, i) => post(keys.skt, cellRecords(SKT.id, SKT.cells[0].id, now - 120_000 - (wave + i) * FLOOD_BATCH, FLOOD_BATCH))))));
      const refused = flood.filter((o) => o.status === 503).length;
      if (refused === 0 || sent.length < KT_REQUESTS) throw new Error(`flooder refused ${refused} times, kt posted ${sent.length} times so far`);
    }, 120_000, 0);
  } finally {
    flooding = false;
  }
  await ktSending;
  const kt = sent;

  // The flooder: accepted or refused at once with 503, Retry-After and a named code; nothing else.
  const refused = flood.filter((o) => o.status === 503);
  expect(flood.filter((o) => o.status !== 202 && o.status !== 503)).toEqual([]);
  for (const o of refused) {
    expect(o.retryAfter).toBe('1');
    expect(['OVERLOADED', 'FAIR_SHARE_EXCEEDED']).toContain(o.body.error?.code);
  }

  // kt: every request accepted whole...
  expect(kt.map((k) => [k.outcome.status, k.outcome.body])).toEqual(kt.map(() => [202, expect.objectContaining({ accepted: KT_BATCH, rejected: 0 })]));
  // ...and every sample on the topic, once.
  const expected = kt.flatMap((k) => cellRecords(KT.id, ktCell, k.start, KT_BATCH).map((r) => Date.parse(r.ts))).sort((a, b) => a - b);
  const reports = await readTopicToEnd<TelemetryReport>(`${isolation.topicPrefix}airan.telemetry.v1`);
  const landed = reports
    .filter((m) => m.value.operatorId === 'kt')
    .flatMap((m) => m.value.cells.filter((c) => c.cellId === ktCell).map((c) => c.ts))
    .sort((a, b) => a - b);
  expect(landed).toEqual(expected);
  process.stdout.write(`fair share: flooder ${flood.length} requests (${refused.length} refused), kt ${kt.length} requests, all accepted\n`);
}, 180_000);
