import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { isoFromMicros } from '../apps/api/src/history/history.time';
import { buildHealthQuery } from '../apps/api/src/ingest-health/ingest-health.query';
import { type ErrorBody, getJson } from './support/history-http';
import { ServiceProcess } from './support/service-process';
import { startServices } from './support/start-services';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';

const GANGNAM = 'skt-seoul-gangnam-01';
const PANGYO = 'skt-pangyo-01';
const NEVER = 'skt-never-seen-01';
const DAEJEON = 'kt-daejeon-etri-01';
const MINUTE_MS = 60_000;

interface SiteHealth {
  readonly siteId: string;
  readonly operatorId: string;
  readonly pilotId: string | null;
  readonly lastSeenAt: string | null;
  readonly lastSampleTs: string | null;
  readonly accepted: { samples: number; perMinute: number };
  readonly rejected: { records: number; perMinute: number };
  readonly recentDeadLetters: Array<{ eventId: string; receivedAt: string; format: string; reason: string; firstError: { path: string; code: string; message: string } | null }>;
}
interface IngestHealth {
  readonly window: { from: string; to: string };
  readonly sites: SiteHealth[];
}
interface IngestAnswer {
  readonly rejected: number;
  readonly errors: Array<{ index: number; path: string; code: string; message: string }>;
}

/**
 * `GET /v1/ingest/health` against the real pipeline: telemetry posted to ingest by two operators is stored by
 * load, its rejected records reach the api's dead-letter read model, and older samples and dead letters are
 * written by SQL (as the history tests seed). Every registered site in the key's scope is listed with its last
 * seen, the samples accepted and records rejected in the window, and its newest dead letters; an operator key
 * sees its own operator's sites only; every refusal names what it refuses.
 */
describe('api: ingest health per site', () => {
  const isolation = isolate();
  const services: ServiceProcess[] = [];
  let api: ServiceProcess;
  let db: Client;
  const keys: Record<'skt' | 'kt' | 'ops' | 'partner' | 'admin', string> = { skt: '', kt: '', ops: '', partner: '', admin: '' };
  /** Sample times, whole seconds (load stores milliseconds). */
  const T0 = Math.floor(Date.now() / 1000) * 1000;
  const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
  /** What ingest answered skt's and kt's batches. */
  let sktAnswer: IngestAnswer;
  let ktAnswer: IngestAnswer;
  /** Pangyo's history, written by SQL: two samples and seven dead letters, two to three hours old. */
  const pangyoSamples = [
    { cellId: `${PANGYO}-c1`, ts: T0 - 180 * MINUTE_MS, receivedAt: T0 - 179 * MINUTE_MS },
    { cellId: `${PANGYO}-c2`, ts: T0 - 180 * MINUTE_MS, receivedAt: T0 - 178 * MINUTE_MS + 250 },
  ];
  const pangyoLetters = Array.from({ length: 7 }, (_, i) => ({
    eventId: randomUUID(),
    receivedAt: T0 - 120 * MINUTE_MS + i * MINUTE_MS,
    format: i === 6 ? 'ves' : 'native',
    reason: i === 6 ? 'UNMAPPED' : 'OUT_OF_RANGE',
    errors: i === 6 ? [] : [{ path: `$.records[${i}].prbDlPct`, code: 'OUT_OF_RANGE', message: 'must be <= 100' }],
  }));

  const url = (params: Record<string, string> = {}) => `${api.url}/v1/ingest/health?${new URLSearchParams(params)}`;
  const health = async (key: string, params: Record<string, string> = {}) => {
    const { status, body } = await getJson<IngestHealth>(url(params), key);
    if (status !== 200) throw new Error(`answered ${status}: ${JSON.stringify(body)}`);
    return body;
  };
  const siteOf = (answer: IngestHealth, siteId: string) => answer.sites.find((s) => s.siteId === siteId)!;
  const post = async (key: string, records: unknown[]): Promise<IngestAnswer> => {
    const response = await postWithNewKey(`${services.find((s) => s.app === 'ingest')!.url}/v1/telemetry`, key, { records });
    expect(response.status).toBe(202);
    return (await response.json()) as IngestAnswer;
  };
  const cell = (site: string, k: number, seconds: number, extra: Record<string, unknown> = {}) => ({ type: 'cell', siteId: site, cellId: `${site}-c${k}`, ts: at(seconds), intervalMs: 15_000, gpuMs: 10, ...extra });
  const gpu = (site: string, seconds: number, extra: Record<string, unknown> = {}) => ({ type: 'gpu', siteId: site, node: `${site}-gpu01`, device: 'gpu0', ts: at(seconds), utilPct: 50, ...extra });

  /** The newest `received_at` of a site's samples sent by `operator`, as the api writes instants. */
  async function lastReceived(site: string, operator: string): Promise<string> {
    const { rows } = await db.query(
      `SELECT ((extract(epoch FROM max(received_at)) * 1000000)::int8)::text AS us FROM (
         SELECT received_at FROM load.cell_samples WHERE site_id = $1 AND operator_id = $2 UNION ALL SELECT received_at FROM load.gpu_samples WHERE site_id = $1 AND operator_id = $2) s`,
      [site, operator],
    );
    return isoFromMicros(rows[0].us);
  }

  /** A site's dead letters sent by its operator, newest first, as the route lists them. */
  async function storedLetters(site: string, operator: string) {
    const { rows } = await db.query(
      `SELECT event_id, ((extract(epoch FROM received_at) * 1000000)::int8)::text AS us, format, reason, errors->0 AS first
       FROM api.dead_letters WHERE site_id = $1 AND operator_id = $2 ORDER BY received_at DESC, event_id DESC`,
      [site, operator],
    );
    return rows.map((r) => ({ eventId: r.event_id, receivedAt: isoFromMicros(r.us), format: r.format, reason: r.reason, firstError: r.first }));
  }

  beforeAll(async () => {
    api = await ServiceProcess.start('api', isolation.env);
    services.push(api);
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    // Ingest checks each record's site against the registry it reads from the topic: the api's seed goes first.
    await eventually(async () => {
      const { rows } = await db.query('SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS pending FROM api.outbox');
      if (rows[0].total === 0 || rows[0].pending > 0) throw new Error('registry seed not relayed yet');
    });
    const started = await startServices({ ingest: isolation.env, load: isolation.env });
    services.push(started.ingest, started.load);
    [keys.skt, keys.kt, keys.ops, keys.partner, keys.admin] = (
      await Promise.all([
        createApiKey(isolation, 'operator', 'skt'),
        createApiKey(isolation, 'operator', 'kt'),
        createApiKey(isolation, 'ops', 'ops-team'),
        createApiKey(isolation, 'partner', 'etri'),
        createApiKey(isolation, 'admin', 'root'),
      ])
    ).map((k) => k.key);
    // A site registered but never heard from, in no pilot.
    const put = await fetch(`${api.url}/v1/registry/site/${NEVER}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${keys.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operatorId: 'skt', name: 'Never seen', latitude: 37.5, longitude: 127 }),
    });
    expect(put.status).toBe(200);

    // Gangnam: three cell samples and one GPU sample accepted, two records rejected; Daejeon: one of each.
    sktAnswer = await post(keys.skt, [
      cell(GANGNAM, 1, -60), cell(GANGNAM, 2, -60), cell(GANGNAM, 1, -30), gpu(GANGNAM, -60),
      { type: 'heartbeat', siteId: GANGNAM, ts: at(-30) },
      cell(GANGNAM, 3, -60, { prbDlPct: 140 }),
      gpu(GANGNAM, -45, { utilPct: 101 }),
    ]);
    ktAnswer = await post(keys.kt, [cell(DAEJEON, 1, -60), cell(DAEJEON, 2, -60, { prbDlPct: -3 })]);
    expect([sktAnswer.rejected, ktAnswer.rejected]).toEqual([2, 1]);
    await eventually(async () => {
      const { rows } = await db.query(`SELECT (SELECT count(*)::int FROM load.cell_samples) + (SELECT count(*)::int FROM load.gpu_samples) AS samples, (SELECT count(*)::int FROM api.dead_letters) AS letters`);
      if (rows[0].samples < 5 || rows[0].letters < 3) throw new Error(`not stored yet: ${JSON.stringify(rows[0])}`);
    }, 60_000);

    await db.query(
      `INSERT INTO load.cell_samples (cell_id, ts, interval_ms, operator_id, site_id, received_at)
       SELECT c, to_timestamp(t / 1000.0), 15000, 'skt', $4, to_timestamp(r / 1000.0) FROM unnest($1::text[], $2::float8[], $3::float8[]) AS s(c, t, r)`,
      [pangyoSamples.map((s) => s.cellId), pangyoSamples.map((s) => s.ts), pangyoSamples.map((s) => s.receivedAt), PANGYO],
    );
    await db.query(
      `INSERT INTO api.dead_letters (event_id, operator_id, site_id, key_id, format, reason, errors, received_at)
       SELECT e, 'skt', $6, 'seeded', f, r, x, to_timestamp(t / 1000.0) FROM unnest($1::uuid[], $2::float8[], $3::text[], $4::text[], $5::jsonb[]) AS d(e, t, f, r, x)`,
      [pangyoLetters.map((l) => l.eventId), pangyoLetters.map((l) => l.receivedAt), pangyoLetters.map((l) => l.format), pangyoLetters.map((l) => l.reason), pangyoLetters.map((l) => JSON.stringify(l.errors)), PANGYO],
    );
    // Sent by another operator than Gangnam's, or naming no site: they count under no site.
    await db.query(`INSERT INTO load.cell_samples (cell_id, ts, interval_ms, operator_id, site_id) VALUES ('kt-stray-c1', now(), 15000, 'kt', $1)`, [GANGNAM]);
    await db.query(
      `INSERT INTO api.dead_letters (event_id, operator_id, site_id, key_id, format, reason, errors, received_at)
       VALUES ($1, 'kt', $3, 'seeded', 'native', 'SITE_SPOOFED', '[]', now()), ($2, 'skt', NULL, 'seeded', 'native', 'INVALID_SITE', '[]', now())`,
      [randomUUID(), randomUUID(), GANGNAM],
    );
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await Promise.all(services.map((s) => s.stop()));
  });

  it('lists every registered site by id, each with its last seen, accepted and rejected counts and rates over the last 15 minutes', async () => {
    const before = Date.now();
    const answer = await health(keys.ops);
    expect(Date.parse(answer.window.to)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(answer.window.to) - Date.parse(answer.window.from)).toBe(15 * MINUTE_MS);
    expect(answer.sites.map((s) => [s.siteId, s.operatorId])).toEqual([
      ['kt-daejeon-etri-01', 'kt'],
      ['kt-seoul-gwanghwamun-01', 'kt'],
      ['lguplus-seoul-magok-01', 'lguplus'],
      ['lguplus-seoul-sinchon-01', 'lguplus'],
      [NEVER, 'skt'],
      [PANGYO, 'skt'],
      [GANGNAM, 'skt'],
    ]);

    const gangnamLetters = await storedLetters(GANGNAM, 'skt');
    expect(siteOf(answer, GANGNAM)).toEqual({
      siteId: GANGNAM,
      operatorId: 'skt',
      pilotId: 'skt-ai-ran-2026',
      lastSeenAt: await lastReceived(GANGNAM, 'skt'),
      lastSampleTs: at(-30),
      accepted: { samples: 4, perMinute: 4 / 15 },
      rejected: { records: 2, perMinute: 2 / 15 },
      recentDeadLetters: gangnamLetters,
    });
    // The dead letters are the records ingest refused, each with its reason and first error as ingest answered them.
    const byPath = (a: { firstError: { path: string } }, b: { firstError: { path: string } }) => a.firstError.path.localeCompare(b.firstError.path);
    expect(gangnamLetters.map(({ format, reason, firstError }) => ({ format, reason, firstError })).sort(byPath)).toEqual(
      sktAnswer.errors.map(({ path, code, message }) => ({ format: 'native', reason: code, firstError: { path, code, message } })).sort(byPath),
    );

    const [ktLetter] = await storedLetters(DAEJEON, 'kt');
    expect(siteOf(answer, DAEJEON)).toEqual({
      siteId: DAEJEON,
      operatorId: 'kt',
      pilotId: 'kt-ai-ran-2026',
      lastSeenAt: await lastReceived(DAEJEON, 'kt'),
      lastSampleTs: at(-60),
      accepted: { samples: 1, perMinute: 1 / 15 },
      rejected: { records: 1, perMinute: 1 / 15 },
      recentDeadLetters: [{ ...ktLetter, firstError: { path: ktAnswer.errors[0].path, code: ktAnswer.errors[0].code, message: ktAnswer.errors[0].message } }],
    });
  });

  it('a site silent in the window says when it was last seen; one never seen has null times and zero counts', async () => {
    const answer = await health(keys.ops);
    expect(siteOf(answer, PANGYO)).toEqual({
      siteId: PANGYO,
      operatorId: 'skt',
      pilotId: 'skt-ai-ran-2026',
      lastSeenAt: new Date(pangyoSamples[1].receivedAt).toISOString(),
      lastSampleTs: new Date(pangyoSamples[1].ts).toISOString(),
      accepted: { samples: 0, perMinute: 0 },
      rejected: { records: 0, perMinute: 0 },
      recentDeadLetters: [],
    });
    const silent = { lastSeenAt: null, lastSampleTs: null, accepted: { samples: 0, perMinute: 0 }, rejected: { records: 0, perMinute: 0 }, recentDeadLetters: [] };
    expect(siteOf(answer, NEVER)).toEqual({ siteId: NEVER, operatorId: 'skt', pilotId: null, ...silent });
    expect(siteOf(answer, 'lguplus-seoul-magok-01')).toEqual({ siteId: 'lguplus-seoul-magok-01', operatorId: 'lguplus', pilotId: 'lguplus-ai-ran-2026', ...silent });
  });

  it('a longer window counts older samples and dead letters, and lists the five newest of those, newest first', async () => {
    const answer = await health(keys.ops, { window: '240' });
    expect(Date.parse(answer.window.to) - Date.parse(answer.window.from)).toBe(240 * MINUTE_MS);
    const pangyo = siteOf(answer, PANGYO);
    expect(pangyo).toMatchObject({
      lastSeenAt: new Date(pangyoSamples[1].receivedAt).toISOString(),
      accepted: { samples: 2, perMinute: 2 / 240 },
      rejected: { records: 7, perMinute: 7 / 240 },
    });
    expect(pangyo.recentDeadLetters).toEqual(
      [...pangyoLetters]
        .reverse()
        .slice(0, 5)
        .map((l) => ({ eventId: l.eventId, receivedAt: new Date(l.receivedAt).toISOString(), format: l.format, reason: l.reason, firstError: l.errors[0] ?? null })),
    );
    expect(pangyo.recentDeadLetters[0]).toMatchObject({ reason: 'UNMAPPED', firstError: null });
    expect(siteOf(answer, GANGNAM)).toMatchObject({ accepted: { samples: 4, perMinute: 4 / 240 }, rejected: { records: 2, perMinute: 2 / 240 } });
  });

  it("an operator key sees its own operator's sites only, as ops see them; ops narrow by operator, pilot and site", async () => {
    const ops = await health(keys.ops);
    const skt = await health(keys.skt);
    expect(skt.sites).toEqual(ops.sites.filter((s) => s.operatorId === 'skt'));
    expect((await health(keys.skt, { operator: 'skt' })).sites.map((s) => s.siteId)).toEqual([NEVER, PANGYO, GANGNAM]);
    expect((await health(keys.kt)).sites.map((s) => s.siteId)).toEqual(['kt-daejeon-etri-01', 'kt-seoul-gwanghwamun-01']);
    // Another operator's site or pilot simply lists nothing, without telling whether it exists.
    expect((await health(keys.kt, { site: GANGNAM })).sites).toEqual([]);
    expect((await health(keys.kt, { pilot: 'skt-ai-ran-2026' })).sites).toEqual([]);

    expect((await health(keys.ops, { operator: 'kt' })).sites.map((s) => s.siteId)).toEqual(['kt-daejeon-etri-01', 'kt-seoul-gwanghwamun-01']);
    expect((await health(keys.ops, { pilot: 'skt-ai-ran-2026' })).sites.map((s) => s.siteId)).toEqual([PANGYO, GANGNAM]);
    expect((await health(keys.ops, { site: GANGNAM })).sites).toEqual([siteOf(ops, GANGNAM)]);
    expect((await health(keys.ops, { site: 'nowhere-01' })).sites).toEqual([]);
    expect((await health(keys.admin, { operator: 'skt', pilot: 'skt-ai-ran-2026', site: PANGYO })).sites.map((s) => s.siteId)).toEqual([PANGYO]);
  });

  it("refuses an operator key naming another operator (403, naming query.operator), a partner key (403), and a missing or unknown key (401)", async () => {
    expect(await getJson<ErrorBody>(url({ operator: 'kt' }), keys.skt)).toMatchObject({
      status: 403,
      body: { error: { code: 'OPERATOR_NOT_PERMITTED', details: [{ path: 'query.operator', code: 'NOT_PERMITTED', message: 'not skt' }] } },
    });
    expect(await getJson<ErrorBody>(url(), keys.partner)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });

    const anonymous = await fetch(url());
    expect([anonymous.status, anonymous.headers.get('www-authenticate'), ((await anonymous.json()) as ErrorBody).error.code]).toEqual([401, 'Bearer realm="airan"', 'MISSING_CREDENTIALS']);
    const unknown = await getJson<ErrorBody>(url(), 'airan_0123456789ab_notakeyatallnotakeyatallnotakeyatall0000');
    expect(unknown).toMatchObject({ status: 401, body: { error: { code: 'INVALID_CREDENTIALS' } } });
  });

  it.each([
    [{ window: '0' }, 'query.window', 'INVALID_VALUE'],
    [{ window: 'abc' }, 'query.window', 'INVALID_VALUE'],
    [{ window: '1441' }, 'query.window', 'INVALID_VALUE'],
    [{ window: '1.5' }, 'query.window', 'INVALID_VALUE'],
    [{ window: '' }, 'query.window', 'INVALID_VALUE'],
    [{ site: '!' }, 'query.site', 'INVALID_VALUE'],
    [{ pilot: '-x' }, 'query.pilot', 'INVALID_VALUE'],
    [{ operator: 'x'.repeat(129) }, 'query.operator', 'INVALID_VALUE'],
    [{ limit: '5' }, 'query.limit', 'UNKNOWN_FIELD'],
  ])('refuses %j with 400 INVALID_QUERY naming %s', async (params, path, code) => {
    expect(await getJson<ErrorBody>(url(params), keys.ops)).toMatchObject({ status: 400, body: { error: { code: 'INVALID_QUERY', details: [{ path, code }] } } });
  });

  it('reads the sample tables through indexes at volume, never a sequential scan of a partition holding rows', async () => {
    // 300,000 samples of sites outside the registry over the last ten days (20,000 cell samples a day), received as they were taken.
    await db.query(
      `INSERT INTO load.cell_samples (cell_id, ts, interval_ms, operator_id, site_id, received_at)
       SELECT 'bulk-' || i % 500 || '-c' || i % 3, now() - i * interval '4.32 seconds', 15000, 'bulk', 'bulk-' || i % 500, now() - i * interval '4.32 seconds' + interval '1 second'
       FROM generate_series(1, 200000) AS i`,
    );
    await db.query(
      `INSERT INTO load.gpu_samples (node, device, ts, operator_id, site_id, received_at)
       SELECT 'bulk-' || i % 500 || '-gpu', 'gpu0', now() - i * interval '8.64 seconds', 'bulk', 'bulk-' || i % 500, now() - i * interval '8.64 seconds' + interval '1 second'
       FROM generate_series(1, 100000) AS i`,
    );
    await db.query('ANALYZE');
    // A partition of a few thousand rows is rightly read whole (today's may be one, just after midnight); a full day here holds 20,000 cell and 10,000 GPU samples.
    const { rows: estimates } = await db.query(`SELECT c.relname, c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'load' AND c.relkind = 'r'`);
    const populated = new Set(estimates.filter((r: { reltuples: number }) => Number(r.reltuples) >= 8000).map((r: { relname: string }) => r.relname));
    expect([...populated].filter((name) => name.startsWith('cell_samples_p')).length).toBeGreaterThanOrEqual(9);

    interface PlanNode {
      readonly 'Node Type': string;
      readonly 'Relation Name'?: string;
      readonly 'Index Name'?: string;
      readonly Plans?: PlanNode[];
    }
    const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];
    const now = Date.now();
    for (const scope of [{ operators: 'all' as const }, { operators: ['skt'] }]) {
      const { sql, params } = buildHealthQuery({ scope, from: now - 15 * MINUTE_MS, to: now });
      await db.query('BEGIN');
      await db.query(`SELECT set_config('jit', 'off', true)`);
      const { rows } = await db.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      await db.query('COMMIT');
      const plan = nodes(rows[0]['QUERY PLAN'][0].Plan);
      const scanned = plan.filter((n) => n['Node Type'] === 'Seq Scan' && /^(cell|gpu)_samples/.test(n['Relation Name'] ?? '') && populated.has(n['Relation Name']!));
      expect(scanned.map((n) => n['Relation Name'])).toEqual([]);
      // The window is read along received_at (load's *_by_received, per partition), in both tables.
      for (const table of ['cell_samples', 'gpu_samples']) expect(plan.some((n) => new RegExp(`^${table}_.*received_at`).test(n['Index Name'] ?? ''))).toBe(true);
    }
  });
});

/** Before load ever created its tables in the database, the route answers 503 (retry later), not 500. */
describe('api: ingest health before load ran', () => {
  const isolation = isolate();
  let api: ServiceProcess;

  beforeAll(async () => {
    api = await ServiceProcess.start('api', isolation.env);
  });

  afterAll(async () => {
    await api?.stop();
  });

  it('answers 503 INGEST_HEALTH_UNAVAILABLE with Retry-After', async () => {
    const ops = (await createApiKey(isolation, 'ops', 'ops-team')).key;
    const { status, body, headers } = await getJson<ErrorBody>(`${api.url}/v1/ingest/health`, ops);
    expect([status, body.error.code, headers.get('retry-after')]).toEqual([503, 'INGEST_HEALTH_UNAVAILABLE', '30']);
  });
});
