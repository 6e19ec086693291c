import type { CellSample, TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { bigVesEvent, faultEvent, fullCellRecord, lowerMessageLimits, maxMessageBytes, valueBytes } from './support/ingest-limits.fixture';
import { readTopicToEnd, TopicEnd } from './support/kafka-test-tools';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, isolate, type Isolation, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

type Read<T> = Awaited<ReturnType<typeof readTopicToEnd<T>>>;

/**
 * One site's report is one Kafka message and a partition's dead letters one batch, so a request within
 * INGEST_MAX_RECORDS and INGEST_MAX_BODY_BYTES could pass the broker's message limit and be refused on
 * every retry (503 forever, nothing dead-lettered). Ingest reads the limits at start-up and sends such
 * requests in parts: each sample exactly once, in order per site, every rejected record dead-lettered.
 */
function limitsSuite(title: string, lowered: number | undefined, body: (ctx: () => Context) => void) {
  describe(title, () => {
    const isolation = isolate();
    let ctx: Context;

    beforeAll(async () => {
      if (lowered) await lowerMessageLimits(isolation, lowered);
      // Info level: ingest logs the limits it read at start-up.
      const { api, ingest } = await startServices({ api: isolation.env, ingest: { ...isolation.env, LOG_LEVEL: 'info' } });
      const skt = await createApiKey(isolation, 'operator', 'skt');
      await postWithNewKey(`${ingest.url}/v1/telemetry`, skt.key, { records: [] });
      const topics = { telemetry: `${isolation.topicPrefix}airan.telemetry.v1`, dlq: `${isolation.topicPrefix}airan.telemetry.dlq.v1` };
      ctx = { isolation, api, ingest, key: skt.key, topics, limits: { telemetry: await maxMessageBytes(topics.telemetry), dlq: await maxMessageBytes(topics.dlq) } };
    });

    afterAll(async () => {
      await Promise.all([ctx?.ingest.stop(), ctx?.api.stop()]);
    });

    body(() => ctx);
  });
}

interface Context {
  readonly isolation: Isolation;
  readonly api: ServiceProcess;
  readonly ingest: ServiceProcess;
  readonly key: string;
  readonly topics: { readonly telemetry: string; readonly dlq: string };
  readonly limits: { readonly telemetry: number; readonly dlq: number };
}

const post = (ctx: Context, path: string, body: unknown) =>
  fetch(`${ctx.ingest.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ctx.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A site's reports, in offset order (one key, one partition), with the samples they carry. */
const reportsOf = (messages: Read<TelemetryReport>, site: string, cellPrefix: string) =>
  messages.filter((m) => m.key === site && m.value.cells.some((c) => c.cellId.startsWith(cellPrefix))).sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));

/** Every sample of the request lands exactly once, in the request's order, in parts under the topic's limit with distinct ids. */
function expectParts(parts: Read<TelemetryReport>, expected: ReadonlyArray<Pick<CellSample, 'cellId' | 'ts'>>, limit: number): void {
  expect(parts.length).toBeGreaterThan(1);
  expect(new Set(parts.map((p) => p.partition)).size).toBe(1);
  for (const part of parts) expect(valueBytes(part.value)).toBeLessThanOrEqual(limit);
  expect(new Set(parts.map((p) => p.value.id)).size).toBe(parts.length);
  expect(new Set(parts.map((p) => p.value.receivedAt)).size).toBe(1);
  expect(parts.flatMap((p) => p.value.cells.map((c) => ({ cellId: c.cellId, ts: c.ts })))).toEqual(expected);
}

/** Nothing reached either topic: both end offsets are where they were. */
async function expectNothingWritten(ctx: Context, write: () => Promise<void>): Promise<void> {
  const ends = await Promise.all([TopicEnd.open(ctx.topics.telemetry), TopicEnd.open(ctx.topics.dlq)]);
  try {
    const before = await Promise.all(ends.map((e) => e.total()));
    await write();
    expect(await Promise.all(ends.map((e) => e.total()))).toEqual(before);
  } finally {
    await Promise.all(ends.map((e) => e.close()));
  }
}

const SITE = 'skt-seoul-gangnam-01';
const VES_SITE = 'skt-pangyo-01';
const second = (n: number) => Math.floor(Date.now() / 1000) * 1000 - n * 1000;

limitsSuite("ingest: requests above the broker's own message limit (1 MB)", undefined, (context) => {
  it('sends 5,000 records of one site with every KPI (about 1.5 MB of report) in parts: 202, each sample once, in order', async () => {
    const ctx = context();
    const records = Array.from({ length: 5000 }, (_, i) => fullCellRecord(SITE, `${SITE}-big${i % 40}`, second(6000 - i)));
    const response = await post(ctx, '/v1/telemetry', { records });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 5000, rejected: 0 });
    const parts = reportsOf(await readTopicToEnd<TelemetryReport>(ctx.topics.telemetry), SITE, `${SITE}-big`);
    expectParts(parts, records.map((r) => ({ cellId: r.cellId, ts: Date.parse(r.ts) })), ctx.limits.telemetry);
  });

  it('dead-letters 2,000 invalid records of one site (one partition, past 1 MB) in order and answers 422', async () => {
    const ctx = context();
    const records = Array.from({ length: 2000 }, (_, i) => ({ ...fullCellRecord(SITE, `${SITE}-bad${i}`, second(100)), prbDlPct: 140 }));
    const response = await post(ctx, '/v1/telemetry', { records });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ error: { code: 'ALL_RECORDS_REJECTED' } });
    const letters = (await readTopicToEnd<TelemetryDeadLetter>(ctx.topics.dlq)).filter((m) => (m.value.raw as { cellId?: string }).cellId?.startsWith(`${SITE}-bad`));
    expect(letters.map((m) => (m.value.raw as { cellId: string }).cellId)).toEqual(records.map((r) => r.cellId));
    expect(letters.every((m) => m.key === SITE && m.value.reason === 'OUT_OF_RANGE')).toBe(true);
  });

  it('takes a 1.5 MB VES event in parts, and dead-letters one with a bad counter, cut to fit, with 422 naming the counter', async () => {
    const ctx = context();
    const ts = second(60);
    const good = bigVesEvent(VES_SITE, `${VES_SITE}-ves`, ts, 5000);
    expect(valueBytes({ event: good })).toBeGreaterThan(1_400_000);
    expect((await post(ctx, '/eventListener/v7', { event: good })).status).toBe(202);
    const parts = reportsOf(await readTopicToEnd<TelemetryReport>(ctx.topics.telemetry), VES_SITE, `${VES_SITE}-ves`);
    expectParts(parts, good.measurementFields.additionalMeasurements.map((m) => ({ cellId: m.name, ts })), ctx.limits.telemetry);

    const bad = bigVesEvent(VES_SITE, `${VES_SITE}-vesbad`, ts, 5000, 2500);
    const response = await post(ctx, '/eventListener/v7', { event: bad });
    expect(response.status).toBe(422);
    const path = `$.event.measurementFields.additionalMeasurements[2500].hashMap['RRU.PrbTotDl']`;
    expect(((await response.json()) as { fieldErrors: unknown[] }).fieldErrors).toEqual([{ index: 0, path, code: 'OUT_OF_RANGE', message: expect.any(String) }]);
    const [letter] = (await readTopicToEnd<TelemetryDeadLetter>(ctx.topics.dlq)).filter((m) => typeof m.value.raw === 'string' && m.value.raw.includes(`${VES_SITE}-vesbad`));
    expect(letter.key).toBe(VES_SITE);
    expect(letter.value).toMatchObject({ reason: 'OUT_OF_RANGE', format: 'ves', siteId: VES_SITE, errors: [{ path, code: 'OUT_OF_RANGE' }], rawTruncated: { bytes: valueBytes(bad) } });
    expect(JSON.stringify(bad).startsWith(letter.value.raw as string)).toBe(true);
    expect(valueBytes(letter.value)).toBeLessThanOrEqual(ctx.limits.dlq);
  });

  it('refuses a fault too large for any message with 413 naming the limit, writing nothing: never a 503', async () => {
    const ctx = context();
    await expectNothingWritten(ctx, async () => {
      const response = await post(ctx, '/eventListener/v7', { event: faultEvent(VES_SITE, second(30), 1_200_000) });
      expect(response.status).toBe(413);
      const body = (await response.json()) as { fieldErrors: Array<{ code: string; message: string }> };
      expect(body.fieldErrors).toEqual([{ path: '$', code: 'MESSAGE_TOO_LARGE', message: expect.stringContaining(`at most ${ctx.limits.telemetry} bytes per message (max.message.bytes)`) }]);
    });
  });
});

limitsSuite('ingest: telemetry and dead-letter topics lowered to max.message.bytes = 64 KiB', 65_536, (context) => {
  it("reads the lowered limits at start-up, from the topics' own max.message.bytes", () => {
    const ctx = context();
    expect(ctx.limits).toEqual({ telemetry: 65_536, dlq: 65_536 });
    const line = ctx.ingest.logs.split('\n').find((l) => l.includes('"Kafka message limits"'));
    expect(JSON.parse(line as string).limits).toEqual([
      { topic: ctx.topics.telemetry, maxMessageBytes: 65_536, source: 'topic' },
      { topic: ctx.topics.dlq, maxMessageBytes: 65_536, source: 'topic' },
    ]);
  });

  it('splits a batch of two sites into many parts and dead-letters its bad records in several batches: each once, in order per site', async () => {
    const ctx = context();
    const records = Array.from({ length: 1500 }, (_, i) => {
      const site = i % 2 === 0 ? 'skt-seoul-gangnam-01' : 'skt-pangyo-01';
      const record = fullCellRecord(site, `${site}-low${i % 30}`, second(3000 - i));
      // Every fifth record of the first site is bad: 150 dead letters, about 100 KB for one partition.
      return i % 10 === 0 ? { ...record, latencyP95Ms: -1 } : record;
    });
    const response = await post(ctx, '/v1/telemetry', { records });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 1350, rejected: 150 });

    const telemetry = await readTopicToEnd<TelemetryReport>(ctx.topics.telemetry);
    for (const site of ['skt-seoul-gangnam-01', 'skt-pangyo-01']) {
      const expected = records.filter((r) => r.siteId === site && r.latencyP95Ms >= 0).map((r) => ({ cellId: r.cellId, ts: Date.parse(r.ts) }));
      expectParts(reportsOf(telemetry, site, `${site}-low`), expected, 65_536);
    }
    const letters = (await readTopicToEnd<TelemetryDeadLetter>(ctx.topics.dlq)).filter((m) => (m.value.raw as { cellId?: string }).cellId?.includes('-low'));
    expect(letters.map((m) => (m.value.raw as { cellId: string }).cellId)).toEqual(records.filter((r) => r.latencyP95Ms < 0).map((r) => r.cellId));
    expect(letters.map((m) => m.value.errors[0].path)).toEqual(records.flatMap((r, i) => (r.latencyP95Ms < 0 ? [`$.records[${i}].latencyP95Ms`] : [])));
    expect(new Set(letters.map((m) => m.value.id)).size).toBe(150);
    for (const m of letters) expect(valueBytes(m.value)).toBeLessThanOrEqual(65_536);
  });

  it('takes a VES batch of 200 KB in parts and dead-letters a 100 KB event with one bad counter, cut to 64 KiB', async () => {
    const ctx = context();
    const ts = second(40);
    const good = bigVesEvent(VES_SITE, `${VES_SITE}-lowves`, ts, 700);
    const bad = bigVesEvent(VES_SITE, `${VES_SITE}-lowbad`, ts, 350, 7);
    const response = await post(ctx, '/eventListener/v7/eventBatch', { eventList: [good, bad] });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { fieldErrors: unknown[] }).fieldErrors).toEqual([
      { index: 1, path: `$.eventList[1].measurementFields.additionalMeasurements[7].hashMap['RRU.PrbTotDl']`, code: 'OUT_OF_RANGE', message: expect.any(String) },
    ]);
    const parts = reportsOf(await readTopicToEnd<TelemetryReport>(ctx.topics.telemetry), VES_SITE, `${VES_SITE}-lowves`);
    expectParts(parts, good.measurementFields.additionalMeasurements.map((m) => ({ cellId: m.name, ts })), 65_536);
    const [letter] = (await readTopicToEnd<TelemetryDeadLetter>(ctx.topics.dlq)).filter((m) => typeof m.value.raw === 'string' && m.value.raw.includes(`${VES_SITE}-lowbad`));
    expect(letter.value).toMatchObject({ reason: 'OUT_OF_RANGE', siteId: VES_SITE, rawTruncated: { bytes: valueBytes(bad) } });
    expect(valueBytes(letter.value)).toBeLessThanOrEqual(65_536);
    expect(valueBytes(letter.value)).toBeGreaterThan(60_000);
  });

  it('refuses a 100 KB fault with 413 naming the lowered limit, writing nothing', async () => {
    const ctx = context();
    await expectNothingWritten(ctx, async () => {
      const response = await post(ctx, '/eventListener/v7', { event: faultEvent(VES_SITE, second(20), 100_000) });
      expect(response.status).toBe(413);
      expect(await response.text()).toContain('at most 65536 bytes per message (max.message.bytes)');
    });
  });
});
