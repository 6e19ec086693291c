import { Client } from 'pg';
import type { TelemetryReport } from '@airan/contracts';
import { failureLines } from './support/failure-lines';
import { readTopicToEnd } from './support/kafka-test-tools';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

/**
 * Once Kafka holds a request's data the request has succeeded: ingest's own Postgres bookkeeping after
 * the acknowledgement (site liveness, unknown identifiers) failing must not answer it 500, and must
 * not be forgotten either. Postgres refuses those writes here through triggers (as it does while it
 * restarts); the request is answered 202, and the writes land once Postgres takes them again.
 */
describe('ingest: bookkeeping after the Kafka acknowledgement', () => {
  const isolation = isolate();
  let api: ServiceProcess;
  let ingest: ServiceProcess;
  let db: Client;
  let key: string;
  const SITE = 'skt-pangyo-01';
  const UNKNOWN_NCI = '0FFFFFFF7';
  const TABLES = ['ingest.site_liveness', 'ingest.unknown_identifiers'];

  beforeAll(async () => {
    ({ api, ingest } = await startServices({ api: isolation.env, ingest: isolation.env }));
    key = (await createApiKey(isolation, 'operator', 'skt')).key;
    await postWithNewKey(`${ingest.url}/v1/telemetry`, key, { records: [] });
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([ingest?.stop(), api?.stop()]);
  });

  const refuseWrites = async () => {
    await db.query(`CREATE FUNCTION public.refuse_bookkeeping() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
    for (const table of TABLES) await db.query(`CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION public.refuse_bookkeeping()`);
  };
  const takeWrites = async () => {
    for (const table of TABLES) await db.query(`DROP TRIGGER refuse ON ${table}`);
    await db.query('DROP FUNCTION public.refuse_bookkeeping()');
  };

  it('answers 202 with the data on Kafka while Postgres refuses the bookkeeping, and stores it once Postgres takes it', async () => {
    const logsFrom = ingest.logs.length;
    await refuseWrites();
    const ts = Math.floor(Date.now() / 1000) * 1000;
    const records = [
      { type: 'cell', siteId: SITE, cellId: `${SITE}-c1`, ts: new Date(ts).toISOString(), intervalMs: 15_000, prbDlPct: 41 },
      { type: 'cell', siteId: SITE, cellId: UNKNOWN_NCI, ts: new Date(ts).toISOString(), intervalMs: 15_000, prbDlPct: 42 },
    ];
    const response = await fetch(`${ingest.url}/v1/telemetry`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ records }) });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 2, rejected: 0 });

    const reports = (await readTopicToEnd<TelemetryReport>(`${isolation.topicPrefix}airan.telemetry.v1`)).map((m) => m.value).filter((r) => r.siteId === SITE);
    expect(reports.flatMap((r) => r.cells.map((c) => [c.cellId, c.ts]))).toEqual([[`${SITE}-c1`, ts], [UNKNOWN_NCI, ts]]);
    expect(ingest.logs).toContain('bookkeeping write failed after Kafka acknowledged');
    expect(await ingest.metric('airan_ingest_bookkeeping_pending')).toBe(2);
    expect((await db.query('SELECT 1 FROM ingest.site_liveness WHERE site_id = $1', [SITE])).rowCount).toBe(0);

    await takeWrites();
    await eventually(async () => {
      if ((await ingest.metric('airan_ingest_bookkeeping_pending')) !== 0) throw new Error('bookkeeping still pending');
    });
    const { rows: liveness } = await db.query('SELECT operator_id, last_seen_at FROM ingest.site_liveness WHERE site_id = $1', [SITE]);
    expect(liveness).toEqual([{ operator_id: 'skt', last_seen_at: expect.any(Date) }]);
    expect(Math.abs(liveness[0].last_seen_at.getTime() - Date.now())).toBeLessThan(120_000);
    const { rows: unknown } = await db.query('SELECT kind, identifier, count FROM ingest.unknown_identifiers WHERE site_id = $1', [SITE]);
    expect(unknown).toEqual([{ kind: 'cell', identifier: UNKNOWN_NCI, count: '1' }]);
    expect(failureLines(ingest.logs.slice(logsFrom))).toEqual([]);
  });
});
