import type { TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { Client } from 'pg';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
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
  let db: Client;
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
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    // Both keys have reached ingest through the registry topic once each answers something other than 401.
    await Promise.all([skt, kt].map((k) => postWithNewKey(url(), k.key, { records: [] })));
  });

  afterAll(async () => {
    await Promise.all([telemetry?.close(), dlq?.close(), db?.end()]);
    await Promise.all([ingest?.stop(), api?.stop()]);
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
      { type: 'gpu', siteId: SITE, node: 'skt-seoul-gangnam-01-gpu01', device: 'gpu0', ts, utilPct: 71.5 },
      { ...cell, gpuMs: -5 },
      42,
    ];
    const before = Date.now();
    const response = await post({ records });
    const after = Date.now();
    expect(response.status).toBe(202);
    const errors = [
      { index: 1, path: '$.records[1].cellId', code: 'MISSING_FIELD', message: 'required field is missing' },
      { index: 2, path: '$.records[2].prbDlPct', code: 'OUT_OF_RANGE', message: 'must be <= 100' },
      { index: 3, path: '$.records[3].type', code: 'UNKNOWN_RECORD_TYPE', message: 'type must be one of cell, gpu, heartbeat' },
      { index: 4, path: '$.records[4].ts', code: 'TIMESTAMP_OUT_OF_RANGE', message: 'more than 300000 ms ahead of the server clock' },
      { index: 5, path: '$.records[5].ts', code: 'INVALID_TIMESTAMP', message: 'expected an RFC 3339 date-time such as 2026-11-28T09:00:00Z' },
      { index: 6, path: '$.records[6].foo', code: 'UNKNOWN_FIELD', message: 'unknown field' },
      { index: 7, path: '$.records[7].gpuMs', code: 'INVALID_TYPE', message: 'must be number' },
      { index: 8, path: '$.records[8].siteId', code: 'UNKNOWN_SITE', message: 'site "nowhere-01" is not in the pilot registry' },
      { index: 10, path: '$.records[10].gpuMs', code: 'OUT_OF_RANGE', message: 'must be >= 0' },
      { index: 11, path: '$.records[11]', code: 'INVALID_TYPE', message: 'a record must be an object' },
    ];
    const body = (await response.json()) as { traceId: string };
    expect(body).toEqual({ accepted: 2, rejected: 10, errors, ignoredMetrics: [], ignoredRecords: 0, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });

    const letters = await eventually(async () => {
      const found = dlq.messages.filter((m) => m.value.keyId === skt.id);
      if (found.length < 10) throw new Error(`${found.length} dead letters so far`);
      return found;
    });
    // Dead letters of different sites land on different partitions: order them by record.
    const recordIndex = (letter: (typeof letters)[number]) => Number(/^\$\.records\[(\d+)\]/.exec(letter.value.errors[0].path)?.[1]);
    const byRecord = [...letters].sort((a, b) => recordIndex(a) - recordIndex(b));
    expect(byRecord.map((m) => ({ key: m.key, value: m.value }))).toEqual(
      errors.map(({ index, ...error }) => {
        const siteId = index === 11 ? null : (records[index] as { siteId: string }).siteId;
        return {
          key: siteId ?? 'unknown',
          value: {
            schema: 'airan.telemetry.dlq/1',
            id: expect.any(String),
            reason: error.code,
            errors: [error],
            format: 'native',
            keyId: skt.id,
            operatorId: 'skt',
            siteId,
            receivedAt: expect.any(Number),
            raw: records[index],
          },
        };
      }),
    );
    expect(new Set(letters.map((m) => m.value.id)).size).toBe(10);
    expect(new Set(letters.map((m) => m.value.receivedAt)).size).toBe(1);
    expect(letters[0].value.receivedAt).toBeGreaterThanOrEqual(before);
    expect(letters[0].value.receivedAt).toBeLessThanOrEqual(after);

    const report = await eventually(async () => {
      const found = telemetry.messages.find((m) => m.value.keyId === skt.id && m.value.gpus.length > 0);
      if (!found) throw new Error('no report yet');
      return found;
    });
    expect(report.key).toBe(SITE);
    expect(report.headers.traceparent).toMatch(new RegExp(`^00-${body.traceId}-`));
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

  const push = (site: string, lines: readonly string[], key = skt.key) =>
    fetch(`${ingest.url}/v1/prometheus?site=${site}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain; version=0.0.4' }, body: lines.join('\n') });
  const lastSeen = async (site: string) => (await db.query('SELECT operator_id, last_key_id, last_seen_at FROM ingest.site_liveness WHERE site_id = $1', [site])).rows;
  const lettersOf = (match: (letter: TelemetryDeadLetter) => boolean, count: number) =>
    eventually(async () => {
      const found = dlq.messages.filter((m) => match(m.value));
      if (found.length < count) throw new Error(`${found.length} of ${count} dead letters so far`);
      return found;
    });
  const letter = (format: TelemetryDeadLetter['format'], siteId: string | null, raw: unknown, error: { path: string; code: string; message: string }) => ({
    key: siteId ?? 'unknown',
    value: { schema: 'airan.telemetry.dlq/1', id: expect.any(String), reason: error.code, errors: [error], format, keyId: skt.id, operatorId: 'skt', siteId, receivedAt: expect.any(Number), raw },
  });

  it('records when each site last reported, and by which key', async () => {
    const before = Date.now();
    expect((await post({ records: [{ type: 'heartbeat', siteId: SITE, ts: now() }] })).status).toBe(202);
    const rows = await lastSeen(SITE);
    expect(rows).toEqual([{ operator_id: 'skt', last_key_id: skt.id, last_seen_at: expect.any(Date) }]);
    expect(rows[0].last_seen_at.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('counts a push of only unknown metric names as the site reporting, names them to the caller and counts them', async () => {
    const PANGYO = 'skt-pangyo-01';
    expect(await lastSeen(PANGYO)).toEqual([]);
    const before = Date.now();
    const response = await push(PANGYO, ['# TYPE vendor_fan_speed_rpm gauge', 'vendor_fan_speed_rpm{gpu="0"} 1200', 'vendor_fan_speed_rpm{gpu="1"} 1180', 'vendor_psu_temp_celsius 41', '']);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      accepted: 3,
      rejected: 0,
      errors: [],
      ignoredMetrics: ['vendor_fan_speed_rpm', 'vendor_psu_temp_celsius'],
      ignoredRecords: 3,
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const rows = await lastSeen(PANGYO);
    expect(rows).toEqual([{ operator_id: 'skt', last_key_id: skt.id, last_seen_at: expect.any(Date) }]);
    expect(rows[0].last_seen_at.getTime()).toBeGreaterThanOrEqual(before);
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/^airan_ingest_ignored_records_total\{format="prometheus"\} 3$/m);

    // Nothing to carry, so no report: the site's first report on the topic is the heartbeat sent next.
    const heartbeat = now();
    expect((await post({ records: [{ type: 'heartbeat', siteId: PANGYO, ts: heartbeat }] })).status).toBe(202);
    const reports = await eventually(async () => {
      const found = telemetry.messages.filter((m) => m.value.siteId === PANGYO);
      if (found.length === 0) throw new Error('heartbeat not read yet');
      return found;
    });
    expect(reports.map((m) => m.value)).toEqual([expect.objectContaining({ cells: [], gpus: [], heartbeats: [Date.parse(heartbeat)] })]);
  });

  it('dead-letters every line of a Prometheus push for a site not in the registry and answers 422, as native does per record', async () => {
    const site = 'skt-unregistered-01';
    const lines = ['# TYPE DCGM_FI_DEV_GPU_UTIL gauge', `DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="${site}-gpu01"} 83`, 'vendor_fan_speed_rpm{gpu="0"} 1200', 'DCGM_FI_DEV_GPU_UTIL{gpu="1" 12'];
    const response = await push(site, lines);
    expect(response.status).toBe(422);
    const refusal = { path: 'query.site', code: 'UNKNOWN_SITE', message: `site "${site}" is not in the pilot registry` };
    const syntax = { path: 'line 4', code: 'SYNTAX_ERROR', message: 'expected , or } after the value of label gpu at column 30' };
    expect(await response.json()).toEqual({
      error: { code: 'UNKNOWN_SITE', message: `${refusal.message}; each line is in the dead-letter topic`, details: [{ index: 2, ...refusal }, { index: 3, ...refusal }, { index: 4, ...syntax }] },
    });
    // One key, one partition: the letters arrive in line order.
    const letters = await lettersOf((l) => l.siteId === site, 3);
    expect(letters.map((m) => ({ key: m.key, value: m.value }))).toEqual([
      letter('prometheus', site, lines[1], refusal),
      letter('prometheus', site, lines[2], refusal),
      letter('prometheus', site, lines[3], syntax),
    ]);
    expect(await lastSeen(site)).toEqual([]);
  });

  it('dead-letters every record of a request refused as all rejected (422), native and Prometheus alike', async () => {
    const marker = `all-rejected-${Date.now()}`;
    const native = [{ type: 'cell', siteId: SITE, cellId: marker, ts: '2099-01-01T00:00:00Z', intervalMs: 15000 }, { type: 'heartbeat', siteId: SITE }];
    const nativeResponse = await post({ records: native });
    expect(nativeResponse.status).toBe(422);
    const nativeErrors = [
      { path: '$.records[0].ts', code: 'TIMESTAMP_OUT_OF_RANGE', message: 'more than 300000 ms ahead of the server clock' },
      { path: '$.records[1].ts', code: 'MISSING_FIELD', message: 'required field is missing' },
    ];
    expect(await nativeResponse.json()).toEqual({
      error: { code: 'ALL_RECORDS_REJECTED', message: 'no record was valid; each is in the dead-letter topic', details: nativeErrors.map((e, index) => ({ index, ...e })) },
    });
    const lines = [`DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="${marker}"} 140`, `DCGM_FI_DEV_GPU_UTIL{gpu="0"} 50`];
    const promResponse = await push(SITE, lines);
    expect(promResponse.status).toBe(422);
    const promErrors = [
      { path: 'line 1', code: 'OUT_OF_RANGE', message: 'DCGM_FI_DEV_GPU_UTIL: utilPct 140 exceeds 100' },
      { path: 'line 2', code: 'MISSING_FIELD', message: 'GPU metric DCGM_FI_DEV_GPU_UTIL needs a Hostname or hostname label' },
    ];
    expect(await promResponse.json()).toEqual({
      error: { code: 'ALL_RECORDS_REJECTED', message: 'no sample line was valid; each is in the dead-letter topic', details: promErrors.map((e, i) => ({ index: i + 1, ...e })) },
    });

    const mentions = (l: TelemetryDeadLetter) => JSON.stringify(l.raw).includes(marker) || (l.format === 'prometheus' && l.raw === lines[1]) || (l.format === 'native' && JSON.stringify(l.raw) === JSON.stringify(native[1]));
    const letters = await lettersOf(mentions, 4);
    expect(letters.map((m) => ({ key: m.key, value: m.value }))).toEqual([
      letter('native', SITE, native[0], nativeErrors[0]),
      letter('native', SITE, native[1], nativeErrors[1]),
      letter('prometheus', SITE, lines[0], promErrors[0]),
      letter('prometheus', SITE, lines[1], promErrors[1]),
    ]);
  });

  it("refuses a Prometheus push for another operator's site whole with 403 and writes nothing, as for native", async () => {
    const marker = `probe${Date.now()}`;
    const response = await push(KT_SITE, [`DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="${marker}"} 1`]);
    expect(response.status).toBe(403);
    const refusal = { path: 'query.site', code: 'SITE_NOT_OWNED', message: `site "${KT_SITE}" belongs to another operator` };
    expect(await response.json()).toEqual({ error: { code: 'SITE_NOT_OWNED', message: refusal.message, details: [refusal] } });

    // Later writes keyed by the same site (so on the same partitions) prove both topics were read past the refusal.
    const readPast = `past${Date.now()}`;
    expect((await push(KT_SITE, [`DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="${readPast}"} 2`], kt.key)).status).toBe(202);
    const probe = await post({ records: [{ type: 'heartbeat', siteId: KT_SITE, ts: now() }, { type: 'cell', siteId: KT_SITE, cellId: readPast, ts: now(), intervalMs: 1000, prbDlPct: 140 }] }, kt.key);
    expect(probe.status).toBe(202);
    await eventually(async () => {
      if (!telemetry.messages.some((m) => m.value.gpus.some((g) => g.node === readPast))) throw new Error('telemetry not read past yet');
      if (!dlq.messages.some((m) => m.key === KT_SITE && JSON.stringify(m.value.raw).includes(readPast))) throw new Error('dead letters not read past yet');
    });
    const written = [...telemetry.messages, ...dlq.messages].filter((m) => JSON.stringify(m.value).includes(marker));
    expect(written).toEqual([]);
    expect((await lastSeen(KT_SITE)).map((r) => r.last_key_id)).not.toContain(skt.id);
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
});

