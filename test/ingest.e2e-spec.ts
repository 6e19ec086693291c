import type { TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { Client } from 'pg';
import { ServiceProcess, createApiKey, dropDatabase, eventually, isolate, postWithNewKey } from './support/stack';
import { TopicReader } from './support/topic-reader';

/** Ingest's contract with operator sites, over HTTP, against the real broker and the registry topic. */
describe('ingest: native batches', () => {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let telemetry: TopicReader<TelemetryReport>;
  let dlq: TopicReader<TelemetryDeadLetter>;
  let skt: { id: string; key: string };
  let kt: { id: string; key: string };
  const url = () => `${ingest.url}/v1/telemetry`;
  const SITE = 'skt-seoul-gangnam-01';
  const CELL = 'skt-seoul-gangnam-01-c1';
  const KT_SITE = 'kt-daejeon-etri-01';

  beforeAll(async () => {
    const env = { ...isolation.env, INGEST_MAX_RECORDS: '50', INGEST_MAX_BODY_BYTES: '65536' };
    [api, ingest] = await Promise.all([ServiceProcess.start('api', env), ServiceProcess.start('ingest', env)]);
    [skt, kt] = await Promise.all([createApiKey(isolation, 'operator', 'skt'), createApiKey(isolation, 'operator', 'kt')]);
    telemetry = await TopicReader.open(`${isolation.topicPrefix}airan.telemetry.v1`);
    dlq = await TopicReader.open(`${isolation.topicPrefix}airan.telemetry.dlq.v1`);
    // Both keys have reached ingest through the registry topic once each answers something other than 401.
    await Promise.all([skt, kt].map((k) => postWithNewKey(url(), k.key, { records: [] })));
  });

  afterAll(async () => {
    await Promise.all([telemetry?.close(), dlq?.close()]);
    await Promise.all([ingest?.stop(), api?.stop()]);
    await dropDatabase(isolation);
  });

  const post = (body: string | object, key = skt.key, contentType = 'application/json') =>
    fetch(url(), { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  const now = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

  it('accepts the good records of a mixed batch and names every bad one, each in the dead-letter topic', async () => {
    const ts = now();
    const cell = { type: 'cell', siteId: SITE, cellId: CELL, ts, intervalMs: 15000 };
    const records = [
      { ...cell, gpuMs: 1200 },
      { type: 'cell', siteId: SITE, ts, intervalMs: 15000 },
      { ...cell, prbDlPct: 140 },
      { type: 'radio', siteId: SITE, ts },
      { ...cell, ts: '2099-01-01T00:00:00Z' },
      { ...cell, ts: 'yesterday at noon' },
      { ...cell, foo: 1 },
      { ...cell, gpuMs: '12' },
      { ...cell, siteId: 'nowhere-01' },
      { ...cell, siteId: KT_SITE },
      { type: 'gpu', siteId: SITE, node: 'skt-seoul-gangnam-01-gpu01', device: 'gpu0', ts, utilPct: 71.5 },
      { ...cell, gpuMs: -5 },
      42,
    ];
    const response = await post({ records });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { accepted: number; rejected: number; errors: Array<{ index: number; path: string; code: string }> };
    expect(body.accepted).toBe(2);
    expect(body.rejected).toBe(11);
    expect(body.errors.map(({ index, path, code }) => ({ index, path, code }))).toEqual([
      { index: 1, path: '$.records[1].cellId', code: 'MISSING_FIELD' },
      { index: 2, path: '$.records[2].prbDlPct', code: 'OUT_OF_RANGE' },
      { index: 3, path: '$.records[3].type', code: 'UNKNOWN_RECORD_TYPE' },
      { index: 4, path: '$.records[4].ts', code: 'TIMESTAMP_OUT_OF_RANGE' },
      { index: 5, path: '$.records[5].ts', code: 'INVALID_TIMESTAMP' },
      { index: 6, path: '$.records[6].foo', code: 'UNKNOWN_FIELD' },
      { index: 7, path: '$.records[7].gpuMs', code: 'INVALID_TYPE' },
      { index: 8, path: '$.records[8].siteId', code: 'UNKNOWN_SITE' },
      { index: 9, path: '$.records[9].siteId', code: 'SITE_NOT_OWNED' },
      { index: 11, path: '$.records[11].gpuMs', code: 'OUT_OF_RANGE' },
      { index: 12, path: '$.records[12]', code: 'INVALID_TYPE' },
    ]);

    const letters = await eventually(async () => {
      const found = dlq.messages.filter((m) => m.value.keyId === skt.id);
      if (found.length < 11) throw new Error(`${found.length} dead letters so far`);
      return found;
    });
    expect(letters).toHaveLength(11);
    const byReason = letters.map((m) => [m.value.reason, m.key, m.value.raw]);
    expect(byReason).toEqual(
      expect.arrayContaining([
        ['MISSING_FIELD', SITE, records[1]],
        ['UNKNOWN_SITE', 'nowhere-01', records[8]],
        ['SITE_NOT_OWNED', KT_SITE, records[9]],
        ['INVALID_TYPE', 'unknown', 42],
      ]),
    );
    for (const letter of letters) expect(letter.value).toMatchObject({ schema: 'airan.telemetry.dlq/1', format: 'native', operatorId: 'skt', keyId: skt.id });

    const report = await eventually(async () => {
      const found = telemetry.messages.find((m) => m.value.keyId === skt.id && m.value.gpus.length > 0);
      if (!found) throw new Error('no report yet');
      return found;
    });
    expect(report.key).toBe(SITE);
    expect(report.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-/);
    expect(report.value).toMatchObject({
      operatorId: 'skt',
      siteId: SITE,
      cells: [{ cellId: CELL, ts: Date.parse(ts), intervalMs: 15000, gpuMs: 1200 }],
      gpus: [{ node: 'skt-seoul-gangnam-01-gpu01', device: 'gpu0', ts: Date.parse(ts), utilPct: 71.5 }],
      heartbeats: [],
    });
  });

  it("refuses another operator's key for a whole batch of sites it does not own, writing nothing", async () => {
    const marker = `kt-probe-${Date.now()}`;
    const response = await post({ records: [{ type: 'cell', siteId: SITE, cellId: marker, ts: now(), intervalMs: 1000 }] }, kt.key);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'SITE_NOT_OWNED', details: [{ index: 0, path: '$.records[0].siteId', code: 'SITE_NOT_OWNED' }] } });
    // A later accepted batch of kt's own proves the topics were read past the refused request.
    const own = await post({ records: [{ type: 'heartbeat', siteId: KT_SITE, ts: now() }] }, kt.key);
    expect(own.status).toBe(202);
    await eventually(async () => {
      if (!telemetry.messages.some((m) => m.value.keyId === kt.id)) throw new Error('kt heartbeat not read yet');
    });
    const mentions = [...telemetry.messages, ...dlq.messages].filter((m) => JSON.stringify(m.value).includes(marker));
    expect(mentions).toEqual([]);
  });

  it('records when each site last reported, and by which key', async () => {
    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    try {
      const before = Date.now();
      expect((await post({ records: [{ type: 'heartbeat', siteId: SITE, ts: now() }] })).status).toBe(202);
      const { rows } = await db.query('SELECT operator_id, last_key_id, last_seen_at FROM ingest.site_liveness WHERE site_id = $1', [SITE]);
      expect(rows).toEqual([{ operator_id: 'skt', last_key_id: skt.id, last_seen_at: expect.any(Date) }]);
      expect(rows[0].last_seen_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    } finally {
      await db.end();
    }
  });

  it('takes keys issued and revoked by an admin through the api', async () => {
    const admin = await createApiKey(isolation, 'admin', 'root');
    const adminHeaders = { authorization: `Bearer ${admin.key}`, 'content-type': 'application/json' };
    const issued = await fetch(`${api.url}/v1/admin/keys`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ role: 'operator', subject: 'skt', name: 'gangnam gateway' }) });
    expect(issued.status).toBe(201);
    const key = (await issued.json()) as { id: string; key: string };
    const heartbeat = { records: [{ type: 'heartbeat', siteId: SITE, ts: now() }] };
    expect((await postWithNewKey(url(), key.key, heartbeat)).status).toBe(202);

    const revoked = await fetch(`${api.url}/v1/admin/keys/${key.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin.key}` } });
    expect(revoked.status).toBe(204);
    await eventually(async () => {
      const response = await post(heartbeat, key.key);
      if (response.status !== 401) throw new Error(`still ${response.status}`);
    });
    // Only admins issue keys; unknown operators get none.
    const asOperator = await fetch(`${api.url}/v1/admin/keys`, { method: 'POST', headers: { ...adminHeaders, authorization: `Bearer ${skt.key}` }, body: '{}' });
    expect(asOperator.status).toBe(403);
    const unknown = await fetch(`${api.url}/v1/admin/keys`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ role: 'operator', subject: 'nobody', name: 'x' }) });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ error: { code: 'UNKNOWN_OPERATOR' } });
  });

  it.each([
    ['no credentials', undefined, 401, 'MISSING_CREDENTIALS'],
    ['an unknown key', 'airan_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 401, 'INVALID_CREDENTIALS'],
    ['a malformed key', 'not-a-key', 401, 'INVALID_CREDENTIALS'],
  ])('answers %s with %i', async (_, key, status, code) => {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ records: [{ type: 'heartbeat', siteId: SITE, ts: now() }] }),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
  });

  it.each([
    ['malformed JSON', '{"records": [', 'application/json', 400],
    ['a body that is not an object', '[1,2,3]', 'application/json', 422],
    ['no records array', '{"recs": []}', 'application/json', 422],
    ['an empty records array', '{"records": []}', 'application/json', 422],
    ['a content type other than JSON', 'records=1', 'text/plain', 415],
  ])('answers %s with %i and an error body', async (_, body, contentType, status) => {
    const response = await post(body, skt.key, contentType);
    expect(response.status).toBe(status);
    const payload = (await response.json()) as { error: { code: string; message: string } };
    expect(payload.error.code).toEqual(expect.any(String));
    expect(payload.error.message.length).toBeGreaterThan(0);
  });

  it('answers 413 above the record limit and above the body size limit', async () => {
    const heartbeat = { type: 'heartbeat', siteId: SITE, ts: now() };
    const tooMany = await post({ records: Array.from({ length: 51 }, () => heartbeat) });
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toMatchObject({ error: { code: 'TOO_MANY_RECORDS' } });
    const tooBig = await post({ records: [{ ...heartbeat, padding: 'x'.repeat(70_000) }] });
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as { error: { code: string } }).error.code).toEqual(expect.any(String));
  });

  it('survives 1,000 generated malformed bodies, answering each with a 4xx and an error body', async () => {
    const random = mulberry32(20261128);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const { body, contentType } = malformedBody(random, i);
      const response = await post(body, skt.key, contentType);
      const payload = (await response.json()) as { error?: { code?: string; message?: string } };
      if (response.status < 400 || response.status >= 500 || !payload.error?.code || !payload.error.message) {
        throw new Error(`body #${i} ${JSON.stringify(body).slice(0, 200)} answered ${response.status} ${JSON.stringify(payload)}`);
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
    expect([...statuses.keys()].sort()).toEqual([400, 413, 415, 422]);
    const live = await fetch(`${ingest.url}/health/live`);
    expect(live.status).toBe(200);
  });
});

/** Deterministic PRNG so a failing fuzz case can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK_VALUES: unknown[] = [null, true, -1, 1e308, '', 'x'.repeat(300), [], {}, [[[]]], { $ref: '#' }, -0, 'NaN', '2026-13-45T99:99:99Z'];
const FIELDS = ['type', 'siteId', 'cellId', 'ts', 'intervalMs', 'prbDlPct', 'gpuMs', 'node', 'device', 'utilPct', '__proto__', 'constructor'];

/** Bodies each broken in at least one way: syntax, shape, every record invalid, size, or content type. */
function malformedBody(random: () => number, i: number): { body: string; contentType: string } {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const valid = JSON.stringify({ records: [{ type: 'cell', siteId: 'skt-seoul-gangnam-01', cellId: 'c', ts: '2026-11-28T00:00:00Z', intervalMs: 1000 }] });
  switch (i % 6) {
    case 0: // truncated or corrupted JSON
      return { body: valid.slice(0, 1 + Math.floor(random() * (valid.length - 2))) + pick(['', '}', ',', '\u0000', '"']), contentType: 'application/json' };
    case 1: // valid JSON of the wrong shape
      return { body: JSON.stringify(pick([...JUNK_VALUES, { records: pick(JUNK_VALUES.filter((v) => !Array.isArray(v))) }, { records: [], extra: 1 }])), contentType: 'application/json' };
    case 2: {
      // records whose every entry is invalid: a junk value in a required field, or not an object at all
      const records = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        random() < 0.2 ? pick(JUNK_VALUES) : { type: pick(['cell', 'gpu', 'heartbeat', 'bogus']), siteId: pick(JUNK_VALUES.filter((v) => typeof v !== 'string')), ts: pick(JUNK_VALUES), [pick(FIELDS)]: pick(JUNK_VALUES) },
      );
      return { body: JSON.stringify({ records }), contentType: 'application/json' };
    }
    case 3: // random bytes
      return { body: Array.from({ length: 1 + Math.floor(random() * 64) }, () => String.fromCharCode(Math.floor(random() * 256))).join(''), contentType: 'application/json' };
    case 4: // beyond the limits
      return random() < 0.5
        ? { body: JSON.stringify({ records: Array.from({ length: 51 }, () => ({})) }), contentType: 'application/json' }
        : { body: JSON.stringify({ records: [{ pad: 'y'.repeat(70_000) }] }), contentType: 'application/json' };
    default: // a content type ingest does not take here
      return { body: valid, contentType: pick(['text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'application/octet-stream']) };
  }
}
