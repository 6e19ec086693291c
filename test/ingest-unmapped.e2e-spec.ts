import type { TelemetryDeadLetter, TelemetryReport } from '@airan/contracts';
import { Client } from 'pg';
import { vesHeader } from './support/ingest-limits.fixture';
import { readTopicToEnd } from './support/kafka-test-tools';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

/**
 * Nothing dropped without a word: VES answers 202 with an empty body, so content airan does not map is
 * counted (airan_ingest_ignored_records_total{format="ves"}), logged, and dead-lettered with reason
 * UNMAPPED and the paths of what was passed over, as OTLP and Prometheus report it in their answers.
 */
describe('ingest: VES content airan does not map', () => {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let skt: { id: string; key: string };
  let db: Client;
  const dlqTopic = `${isolation.topicPrefix}airan.telemetry.dlq.v1`;
  const telemetryTopic = `${isolation.topicPrefix}airan.telemetry.v1`;
  const ts = Math.floor(Date.now() / 1000) * 1000 - 60_000;

  beforeAll(async () => {
    // Info level: the unmapped content is logged there.
    ({ api, ingest } = await startServices({ api: isolation.env, ingest: { ...isolation.env, LOG_LEVEL: 'info' } }));
    skt = await createApiKey(isolation, 'operator', 'skt');
    await postWithNewKey(`${ingest.url}/v1/telemetry`, skt.key, { records: [] });
    db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await Promise.all([ingest?.stop(), api?.stop()]);
  });

  const post = (body: unknown) => fetch(`${ingest.url}/eventListener/v7`, { method: 'POST', headers: { authorization: `Bearer ${skt.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const lettersOf = async (eventId: string) => (await readTopicToEnd<TelemetryDeadLetter>(dlqTopic)).filter((m) => (m.value.raw as { commonEventHeader?: { eventId?: string } }).commonEventHeader?.eventId === eventId);
  const ignoredMetric = async () => Number(/^airan_ingest_ignored_records_total\{format="ves"\} (\d+)$/m.exec(await (await fetch(`${ingest.url}/metrics`)).text())?.[1] ?? 0);
  const M = '$.event.measurementFields';

  it("dead-letters ONAP's own measurement example as UNMAPPED, counts and logs it, and still marks the site seen", async () => {
    const site = 'skt-pangyo-01';
    // ONAP's VES 7.x measurement example (vIsbc), re-stamped to now and named after a pilot site.
    const event = {
      commonEventHeader: vesHeader(site, ts, { eventId: '4cfc-91cf-31a46', eventName: 'Measurement_vIsbcMmc_Measurement', eventType: 'platform', nfcNamingCode: 'ssc', nfNamingCode: 'vIsbc', sequence: 0 }),
      measurementFields: {
        additionalMeasurements: [{ name: 'licenseUsage', hashMap: { G711AudioPort: '1', G729AudioPort: '1' } }],
        concurrentSessions: 1,
        cpuUsageArray: [{ cpuIdentifier: 'cpu1', cpuIdle: 99.8, percentUsage: 0.2 }],
        measurementFieldsVersion: '4.0',
        measurementInterval: 60,
        memoryUsageArray: [{ memoryFree: 100, memoryUsed: 100, vmIdentifier: 'vm1' }],
        requestRate: 1,
      },
    };
    const before = await ignoredMetric();
    const response = await post({ event });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
    expect(await ignoredMetric()).toBe(before + 1);

    const letters = await lettersOf('4cfc-91cf-31a46');
    expect(letters).toHaveLength(1);
    expect(letters[0].key).toBe(site);
    expect(letters[0].value).toEqual({
      schema: 'airan.telemetry.dlq/1',
      id: expect.any(String),
      reason: 'UNMAPPED',
      errors: [
        ...['concurrentSessions', 'cpuUsageArray', 'memoryUsageArray', 'requestRate'].map((k) => ({ path: `${M}.${k}`, code: 'UNMAPPED', message: expect.stringContaining('not read') })),
        ...['G711AudioPort', 'G729AudioPort'].map((m) => ({ path: `${M}.additionalMeasurements[0].hashMap.${m}`, code: 'UNMAPPED', message: expect.stringContaining(`${m} is not in airan's metric dictionary`) })),
      ],
      format: 'ves',
      keyId: skt.id,
      operatorId: 'skt',
      siteId: site,
      receivedAt: expect.any(Number),
      raw: event,
    });
    const line = ingest.logs.split('\n').find((l) => l.includes('VES content not mapped'));
    expect(JSON.parse(line as string)).toMatchObject({ keyId: skt.id, events: 1, eventsMappingNothing: 1, metrics: ['G711AudioPort', 'G729AudioPort'], sites: [site] });
    expect((await db.query('SELECT last_key_id FROM ingest.site_liveness WHERE site_id = $1', [site])).rows).toEqual([{ last_key_id: skt.id }]);
  });

  it('names the entry gpu0, read as a cell for want of the gpu: prefix, instead of dropping it', async () => {
    const site = 'skt-seoul-gangnam-01';
    const event = {
      commonEventHeader: vesHeader(site, ts, { eventId: 'gpu0-no-prefix' }),
      measurementFields: { measurementInterval: 60, measurementFieldsVersion: '4.0', additionalMeasurements: [{ name: 'gpu0', hashMap: { utilization: '71', memoryUsed: '40211' } }] },
    };
    const before = await ignoredMetric();
    expect((await post({ event })).status).toBe(202);
    expect(await ignoredMetric()).toBe(before + 1);
    const [letter] = await lettersOf('gpu0-no-prefix');
    expect(letter.value.errors).toEqual(
      ['utilization', 'memoryUsed'].map((m) => ({
        path: `${M}.additionalMeasurements[0].hashMap.${m}`,
        code: 'UNMAPPED',
        message: `${m} is not in airan's metric dictionary; entry "gpu0" was read as a cell (a GPU entry is named gpu:<node>/<device>)`,
      })),
    );
  });

  it('publishes what an event maps and dead-letters only the counters it does not, without counting it as ignored', async () => {
    const site = 'skt-seoul-gangnam-01';
    const cellId = `${site}-partly`;
    const event = {
      commonEventHeader: vesHeader(site, ts, { eventId: 'partly-mapped' }),
      measurementFields: { measurementInterval: 60, measurementFieldsVersion: '4.0', additionalMeasurements: [{ name: cellId, hashMap: { 'RRU.PrbTotDl': '40', 'PEE.AvgPower': '812.4' } }] },
    };
    const before = await ignoredMetric();
    expect((await post({ event })).status).toBe(202);
    expect(await ignoredMetric()).toBe(before);
    const reports = (await readTopicToEnd<TelemetryReport>(telemetryTopic)).filter((m) => m.value.cells.some((c) => c.cellId === cellId));
    expect(reports.map((m) => m.value.cells)).toEqual([[{ cellId, ts, intervalMs: 60_000, prbDlPct: 40 }]]);
    const [letter] = await lettersOf('partly-mapped');
    expect(letter.value).toMatchObject({ reason: 'UNMAPPED', errors: [{ path: `${M}.additionalMeasurements[0].hashMap['PEE.AvgPower']`, code: 'UNMAPPED', message: "PEE.AvgPower is not in airan's metric dictionary" }] });
  });
});
