import type { TelemetryDeadLetter } from '@airan/contracts';
import { vesHeader } from './support/ingest-limits.fixture';
import { readTopicToEnd, TopicEnd } from './support/kafka-test-tools';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

/**
 * Ownership before validation: whether a key may write the sites a request names decides 403 before
 * anything about the records does. A request naming another operator's site is refused whole, in
 * every format, and nothing reaches either topic, however its other records fare and whichever other
 * sites (the key's own included) it names.
 */
describe('ingest: ownership before validation', () => {
  const isolation = isolate();
  let ingest: ServiceProcess;
  let api: ServiceProcess;
  let skt: { id: string; key: string };
  const topics = { telemetry: `${isolation.topicPrefix}airan.telemetry.v1`, dlq: `${isolation.topicPrefix}airan.telemetry.dlq.v1` };
  const OWN = 'skt-seoul-gangnam-01';
  const FOREIGN = 'kt-daejeon-etri-01';
  const ts = Math.floor(Date.now() / 1000) * 1000 - 60_000;

  beforeAll(async () => {
    ({ api, ingest } = await startServices({ api: isolation.env, ingest: isolation.env }));
    skt = await createApiKey(isolation, 'operator', 'skt');
    await postWithNewKey(`${ingest.url}/v1/telemetry`, skt.key, { records: [] });
  });

  afterAll(async () => {
    await Promise.all([ingest?.stop(), api?.stop()]);
  });

  const post = (path: string, body: unknown, contentType = 'application/json') =>
    fetch(`${ingest.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${skt.key}`, 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  /** Answers 403 SITE_NOT_OWNED, and neither topic's end offset moves. */
  async function expectRefusedWhole(send: () => Promise<Response>): Promise<unknown> {
    const ends = await Promise.all([TopicEnd.open(topics.telemetry), TopicEnd.open(topics.dlq)]);
    try {
      const before = await Promise.all(ends.map((e) => e.total()));
      const response = await send();
      expect(response.status).toBe(403);
      const body = await response.json();
      expect(await Promise.all(ends.map((e) => e.total()))).toEqual(before);
      return body;
    } finally {
      await Promise.all(ends.map((e) => e.close()));
    }
  }

  const cell = (siteId: string, cellId: string, extra: Record<string, unknown> = {}) => ({ type: 'cell', siteId, cellId, ts: new Date(ts).toISOString(), intervalMs: 15_000, gpuMs: 10, ...extra });
  const refusal = (index: number, path: string) => ({ index, path, code: 'SITE_NOT_OWNED', message: `site "${FOREIGN}" belongs to another operator` });

  describe('native', () => {
    it.each([
      ["another operator's record and an invalid record of that site", [cell(FOREIGN, 'n1'), cell(FOREIGN, 'n2', { gpuMs: -5 })], [0, 1]],
      ["another operator's record and a record naming no site", [cell(FOREIGN, 'n3'), { type: 'cell', cellId: 'n4' }, 42], [0]],
      ["another operator's invalid record alone", [cell(FOREIGN, 'n5', { ts: 'yesterday' })], [0]],
      ["another operator's record and one of a site not in the registry", [cell(FOREIGN, 'n6'), cell('nowhere-01', 'n7')], [0]],
    ])('refuses %s with 403, writing nothing', async (_, records, refused) => {
      const body = await expectRefusedWhole(() => post('/v1/telemetry', { records }));
      expect(body).toEqual({ error: { code: 'SITE_NOT_OWNED', message: `key ${skt.id} may not write these sites`, details: (refused as number[]).map((i) => refusal(i, `$.records[${i}].siteId`)) } });
    });

    it.each([
      ["a valid record of the key's own site", [cell(OWN, `${OWN}-mixed`), cell(FOREIGN, 'mixed-1')], [1]],
      ["an invalid record of the key's own site", [cell(FOREIGN, 'mixed-2'), cell(OWN, `${OWN}-bad`, { gpuMs: -5 })], [0]],
    ])("refuses another operator's record beside %s with 403, writing nothing", async (_, records, refused) => {
      const body = await expectRefusedWhole(() => post('/v1/telemetry', { records }));
      expect(body).toMatchObject({ error: { code: 'SITE_NOT_OWNED', details: (refused as number[]).map((i) => refusal(i, `$.records[${i}].siteId`)) } });
    });
  });

  describe('VES', () => {
    const event = (site: string, overrides: Record<string, unknown> = {}) => ({
      commonEventHeader: vesHeader(site, ts, overrides),
      measurementFields: { measurementInterval: 60, measurementFieldsVersion: '4.0', additionalMeasurements: [{ name: `${site}-c1`, hashMap: { 'RRU.PrbTotDl': '40' } }] },
    });
    const SOURCE = (i: number) => `$.eventList[${i}].commonEventHeader.sourceName`;

    it.each([
      ["another operator's event and an invalid one of that site", () => [event(FOREIGN), event(FOREIGN, { priority: 'Urgent' })], [0, 1]],
      ["another operator's event and one naming no site", () => [event(FOREIGN), event(FOREIGN, { sourceName: undefined })], [0]],
      ["an invalid event of the key's own site and another operator's event", () => [event(OWN, { priority: 'Urgent' }), event(FOREIGN)], [1]],
    ])('refuses a batch of %s with 403 in the VES error format, writing nothing', async (_, events, refused) => {
      const body = (await expectRefusedWhole(() => post('/eventListener/v7/eventBatch', { eventList: events() }))) as { fieldErrors: unknown[] };
      expect(body.fieldErrors).toEqual((refused as number[]).map((i) => refusal(i, SOURCE(i))));
    });

    it("refuses another operator's single invalid event with 403, not 422", async () => {
      const body = (await expectRefusedWhole(() => post('/eventListener/v7', { event: event(FOREIGN, { lastEpochMicrosec: 1 }) }))) as { fieldErrors: unknown[] };
      expect(body.fieldErrors).toEqual([refusal(0, '$.event.commonEventHeader.sourceName')]);
    });
  });

  describe('OTLP', () => {
    const point = (value: number) => ({ attributes: [{ key: 'airan.cell.id', value: { stringValue: 'o1' } }], startTimeUnixNano: `${BigInt(ts - 15_000) * 1_000_000n}`, timeUnixNano: `${BigInt(ts) * 1_000_000n}`, asDouble: value });
    const resource = (site: string | undefined, values: number[]) => ({
      resource: { attributes: site ? [{ key: 'airan.site.id', value: { stringValue: site } }] : [] },
      scopeMetrics: [{ metrics: [{ name: 'RRU.PrbTotDl', gauge: { dataPoints: values.map(point) } }] }],
    });
    const sitePath = (resourceIndex: number) => `$.resourceMetrics[${resourceIndex}].resource.attributes[0].value.stringValue`;

    it.each([
      ["a resource of another operator's site with a valid and an invalid point", [resource(FOREIGN, [40, 140])], [0, 1]],
      ["another operator's resource and a resource naming no site", [resource(FOREIGN, [40]), resource(undefined, [41])], [0]],
      ["another operator's resource whose only point is invalid", [resource(FOREIGN, [140])], [0]],
      ["an invalid point of the key's own site and another operator's resource", [resource(OWN, [140]), resource(FOREIGN, [40])], [1], 1],
    ])('refuses %s with 403, writing nothing (no flip between 422 and 403)', async (_, resourceMetrics, refused, resourceIndex = 0) => {
      const body = await expectRefusedWhole(() => post('/v1/metrics', { resourceMetrics }));
      expect(body).toMatchObject({ error: { code: 'SITE_NOT_OWNED', details: (refused as number[]).map((i) => refusal(i, sitePath(resourceIndex as number))) } });
    });
  });

  it("refuses a Prometheus push for another operator's site with 403 whatever its lines, writing nothing", async () => {
    const body = await expectRefusedWhole(() => post(`/v1/prometheus?site=${FOREIGN}`, 'DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="h"} 140\nnot a line\n', 'text/plain'));
    expect(body).toMatchObject({ error: { code: 'SITE_NOT_OWNED' } });
  });

  it('keys the dead letter of a record with an empty or malformed site id `unknown`, its siteId null', async () => {
    const records = [cell(OWN, `${OWN}-keyed`), cell('', 'empty-site'), cell('not a site', 'bad-site'), { ...cell(OWN, 'no-site'), siteId: undefined }];
    const response = await post('/v1/telemetry', { records });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 1, rejected: 3 });
    const letters = (await readTopicToEnd<TelemetryDeadLetter>(topics.dlq)).filter((m) => ['empty-site', 'bad-site', 'no-site'].includes((m.value.raw as { cellId?: string }).cellId ?? ''));
    expect(letters.map((m) => [(m.value.raw as { cellId: string }).cellId, m.key, m.value.siteId]).sort()).toEqual([
      ['bad-site', 'unknown', null],
      ['empty-site', 'unknown', null],
      ['no-site', 'unknown', null],
    ]);
  });
});
