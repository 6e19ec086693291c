import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPrng } from '@airan/demo-fleet';
import type { VesObjectShape, VesShape } from './ves.constants';
import { VES_DOMAINS, VES_HEADER_VERSIONS, VES_LISTENER_VERSIONS, VES_PRIORITIES, VES_SEVERITIES, VES_SHAPES, VES_VF_STATUSES } from './ves.constants';
import { bounds, header, type Json, M, measurement, oranEvent } from './ves.fixtures';
import { compare, DRAFT04_SAFE_KEYWORDS, generatedEvent, OFFICIAL, SCHEMA_FILE, SCHEMA_SHA256, SCHEMA_TEXT, verdicts } from './ves.official-schema.fixtures';
import { parseVesEvents } from './ves.parser';

/**
 * airan's VES checks against the official VES 7.2.1 schema (test/fixtures/ves/): the vendored file, the
 * tables airan keeps of it, the known disagreements fixed for "Ingest in the field" and generated events.
 * Single-field mutations: ves.schema-mutations.spec.ts. Deliberate differences: docs/telemetry-mapping.md §4.
 */

const defs = OFFICIAL.definitions;
const heartbeat = (fields?: Json, extra: Json = {}): Json => ({ commonEventHeader: header({ domain: 'heartbeat', eventName: 'Heartbeat_du' }), ...(fields ? { heartbeatFields: fields } : {}), ...extra });
const faultFields = (extra: Json = {}): Json => ({
  alarmCondition: 'linkDown',
  eventSeverity: 'MAJOR',
  eventSourceType: 'O_RAN_COMPONENT',
  faultFieldsVersion: '4.0',
  specificProblem: 'fronthaul link down',
  vfStatus: 'Active',
  ...extra,
});

/** Both verdicts on each event of the body, and how they compare. */
function outcome(body: Json, batch: boolean) {
  return verdicts(body, batch).map((v) => ({
    schema: v.schemaErrors.length === 0,
    airan: v.refusals === undefined,
    refusals: v.refusals?.map(({ path, code }) => ({ path, code })),
    comparison: compare(v),
  }));
}

describe('the vendored VES 7.2.1 schema', () => {
  it('is the upstream file, unchanged, with its source note, licence notice and licence text', () => {
    expect(createHash('sha256').update(readFileSync(SCHEMA_FILE)).digest('hex')).toBe(SCHEMA_SHA256);
    const folder = dirname(SCHEMA_FILE);
    for (const file of ['README.md', 'SOURCE.md', 'LICENSE.txt', 'LICENSE-Apache-2.0.txt']) expect(existsSync(join(folder, file))).toBe(true);
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toContain(SCHEMA_SHA256);
    expect(readFileSync(join(folder, 'LICENSE-Apache-2.0.txt'), 'utf8')).toContain('Apache License');
  });

  it('is draft-04 and uses only keywords that mean the same in draft-07, so Ajv 8 compiles it as draft-07', () => {
    expect(OFFICIAL.$schema).toBe('http://json-schema.org/draft-04/schema#');
    const keywords = new Set<string>();
    const walk = (node: unknown, inNames: boolean): void => {
      if (Array.isArray(node)) node.forEach((n) => walk(n, false));
      else if (typeof node === 'object' && node !== null) {
        for (const [k, v] of Object.entries(node)) {
          if (!inNames) keywords.add(k);
          walk(v, !inNames && (k === 'properties' || k === 'definitions'));
        }
        if (!inNames && '$ref' in node) expect(Object.keys(node)).toEqual(['$ref']); // draft-04 ignores $ref siblings; there are none
      }
    };
    walk(OFFICIAL, false);
    expect([...keywords].filter((k) => !DRAFT04_SAFE_KEYWORDS.includes(k))).toEqual([]);
    expect(SCHEMA_TEXT).not.toMatch(/"(id|exclusiveMinimum|exclusiveMaximum)"\s*:/);
  });
});

describe("airan's tables of the schema", () => {
  const enumOf = (definition: string, property: string) => ((defs[definition].properties as Record<string, Json>)[property] as Json).enum;

  it('has the enums of the schema', () => {
    expect(enumOf('commonEventHeader', 'domain')).toEqual([...VES_DOMAINS]);
    expect(enumOf('commonEventHeader', 'priority')).toEqual([...VES_PRIORITIES]);
    expect(enumOf('commonEventHeader', 'version')).toEqual([...VES_HEADER_VERSIONS]);
    expect(enumOf('commonEventHeader', 'vesEventListenerVersion')).toEqual([...VES_LISTENER_VERSIONS]);
    expect(enumOf('faultFields', 'eventSeverity')).toEqual([...VES_SEVERITIES]);
    expect(enumOf('faultFields', 'vfStatus')).toEqual([...VES_VF_STATUSES]);
  });

  /** The official definition in VES_SHAPES' notation. */
  function asShape(node: Json): VesShape {
    if (typeof node.$ref === 'string') {
      const name = node.$ref.replace('#/definitions/', '');
      if (name === 'hashMap') return 'hashMap';
      if (name.startsWith('arrayOf')) return { items: asShape(defs[name].items as Json) };
      return { ref: name };
    }
    if (Array.isArray(node.enum)) return { enum: node.enum as string[] };
    if (node.type === 'array') return { items: asShape(node.items as Json) };
    return node.type as VesShape;
  }

  it.each(Object.keys(VES_SHAPES))('has %s as the schema defines it', (name) => {
    const official = defs[name];
    expect(official).toMatchObject({ type: 'object', additionalProperties: false });
    const properties = Object.fromEntries(Object.entries(official.properties as Record<string, Json>).map(([k, p]) => [k, asShape(p)]));
    const ours: VesObjectShape = VES_SHAPES[name];
    expect({ required: [...ours.required].sort(), properties: ours.properties }).toEqual({ required: [...((official.required as string[] | undefined) ?? [])].sort(), properties });
    for (const shape of Object.values(ours.properties)) {
      const ref = typeof shape === 'object' && 'items' in shape ? shape.items : shape;
      if (typeof ref === 'object' && 'ref' in ref) expect(Object.keys(VES_SHAPES)).toContain(ref.ref);
    }
  });
});

describe('known disagreements with the schema, fixed', () => {
  it.each([
    ['VESuniqueId and VESversion next to event', { event: heartbeat(), VESuniqueId: '2d1b5a3e-8c7f-4c1e-9d22-5e9f1a7b3c40', VESversion: 'v7' }, false],
    ['VESuniqueId next to eventList', { eventList: [heartbeat(), heartbeat()], VESuniqueId: '2d1b5a3e-8c7f-4c1e-9d22-5e9f1a7b3c40' }, true],
    ['VESversion of any JSON type (the schema does not type it)', { event: heartbeat(), VESversion: 7 }, false],
  ])('accepts the ONAP collector relay keys: %s', (_what, body, batch) => {
    expect(outcome(body, batch).map((o) => [o.schema, o.airan])).toEqual(((body as Json).eventList as unknown[] | undefined ?? [0]).map(() => [true, true]));
  });

  it('still refuses any other top-level key (a deliberate difference)', () => {
    expect(outcome({ event: heartbeat(), VESUniqueId: 'x' }, false)).toEqual([expect.objectContaining({ schema: true, airan: false, comparison: { agree: false, differences: ['body-envelope'] } })]);
  });

  it('accepts a heartbeat that also carries faultFields, and checks them against the schema', () => {
    const event = heartbeat({ heartbeatFieldsVersion: '3.0', heartbeatInterval: 60 }, { faultFields: faultFields({ alarmAdditionalInformation: { siteId: 'not read' } }) });
    const result = parseVesEvents({ event }, bounds, { batch: false });
    expect(result).toMatchObject({ accepted: 1, rejected: [], faults: [] });
    expect(result.sites).toMatchObject([{ siteId: 'du-muc-01' }]);
    const bad = heartbeat(undefined, { faultFields: faultFields({ eventSeverity: 'major', vfStatus: undefined }) });
    expect(outcome({ event: bad }, false)).toEqual([expect.objectContaining({ schema: false, airan: false })]);
    expect(outcome({ event: bad }, false)[0].refusals).toEqual([
      { path: '$.event.faultFields.eventSeverity', code: 'INVALID_VALUE' },
      { path: '$.event.faultFields.vfStatus', code: 'MISSING_FIELD' },
    ]);
  });

  it('accepts the block of another ingested domain on any event: heartbeatFields on a fault, measurementFields on a heartbeat', () => {
    const fault = { commonEventHeader: header({ domain: 'fault' }), faultFields: faultFields(), heartbeatFields: { heartbeatFieldsVersion: '3.0', heartbeatInterval: 60 } };
    const beat = heartbeat(undefined, { measurementFields: { measurementInterval: 900, measurementFieldsVersion: '4.0', cpuUsageArray: [{ cpuIdentifier: 'cpu0', percentUsage: 12 }] } });
    for (const event of [fault, beat]) expect(outcome({ event }, false)).toEqual([expect.objectContaining({ schema: true, airan: true })]);
    const badBeat = heartbeat(undefined, { measurementFields: { measurementInterval: '900', measurementFieldsVersion: '4.0' } });
    expect(outcome({ event: badBeat }, false)[0]).toMatchObject({ schema: false, airan: false, refusals: [{ path: '$.event.measurementFields.measurementInterval', code: 'INVALID_TYPE' }] });
  });

  it('accepts measurementInterval 86400 (24 h PM) and maps it to intervalMs 86400000', () => {
    const event = measurement([{ name: 'nrcell-1', hashMap: { 'RRU.PrbTotDl': '12.5' } }], { measurementInterval: 86_400 });
    const result = parseVesEvents({ event }, bounds, { batch: false });
    expect(result).toMatchObject({ accepted: 1, rejected: [] });
    expect(result.sites[0].cells).toMatchObject([{ cellId: 'nrcell-1', intervalMs: 86_400_000 }]);
  });

  it('refuses a measurementInterval above 24 h, which the schema allows (a deliberate difference)', () => {
    const [o] = outcome({ event: measurement([], { measurementInterval: 86_400.001 }) }, false);
    expect(o).toMatchObject({ schema: true, airan: false, comparison: { agree: false, differences: ['measurement-interval'] } });
    expect(o.refusals).toEqual([{ path: `${M}.measurementInterval`, code: 'OUT_OF_RANGE' }]);
  });

  it.each([
    ['cpuUsageArray: [{"foo":1}]', { cpuUsageArray: [{ foo: 1 }] }, [
      { path: `${M}.cpuUsageArray[0].foo`, code: 'UNKNOWN_FIELD' },
      { path: `${M}.cpuUsageArray[0].cpuIdentifier`, code: 'MISSING_FIELD' },
      { path: `${M}.cpuUsageArray[0].percentUsage`, code: 'MISSING_FIELD' },
    ]],
    ['requestRate: "high"', { requestRate: 'high' }, [{ path: `${M}.requestRate`, code: 'INVALID_TYPE' }]],
    ['concurrentSessions: 1.5', { concurrentSessions: 1.5 }, [{ path: `${M}.concurrentSessions`, code: 'INVALID_TYPE' }]],
    ['nicPerformanceArray with valuesAreSuspect: true (a boolean, not "true")', { nicPerformanceArray: [{ nicIdentifier: 'eth0', valuesAreSuspect: true }] }, [
      { path: `${M}.nicPerformanceArray[0].valuesAreSuspect`, code: 'INVALID_TYPE' },
    ]],
    ['ipmi.ipmiFanArray[0] without fanIdentifier', { ipmi: { ipmiFanArray: [{ fanSpeed: 1200 }] } }, [{ path: `${M}.ipmi.ipmiFanArray[0].fanIdentifier`, code: 'MISSING_FIELD' }]],
    ['additionalObjects[0].objectInstances as an object', { additionalObjects: [{ objectName: 'o', objectInstances: {} }] }, [{ path: `${M}.additionalObjects[0].objectInstances`, code: 'INVALID_TYPE' }]],
  ])('refuses a measurement event the schema refuses: %s', (_what, fields, refusals) => {
    const [o] = outcome({ event: measurement([], fields) }, false);
    expect(o).toMatchObject({ schema: false, airan: false, refusals });
  });

  it('still accepts the valid VES 7.x measurement fields it does not read', () => {
    const fields = { cpuUsageArray: [{ cpuIdentifier: 'cpu0', percentUsage: 42.5, cpuIdle: 57.5 }], requestRate: 23, ipmi: { exitAirTemperature: 31, ipmiFanArray: [{ fanIdentifier: 'fan1', fanSpeed: 4200 }] } };
    expect(outcome({ event: measurement([], fields) }, false)).toEqual([expect.objectContaining({ schema: true, airan: true })]);
  });
});

describe('generated events', () => {
  const SEED = 20_261_128;
  const PER_DOMAIN = 40;
  const rng = createPrng(SEED);
  const events = (['measurement', 'heartbeat', 'fault'] as const).flatMap((domain) => Array.from({ length: PER_DOMAIN }, (_, i) => ({ domain, i, event: generatedEvent(domain, rng, i % 4 === 0 ? 1 : 0.5) })));

  it(`are schema-valid (${events.length}, seed ${SEED}), and airan accepts each or refuses it only for an allow-listed difference`, () => {
    const problems: string[] = [];
    const seen = new Map<string, number>();
    for (const { domain, i, event } of events) {
      const [single] = verdicts({ event }, false);
      if (single.schemaErrors.length > 0) problems.push(`${domain} #${i}: the generator made a schema-invalid event: ${JSON.stringify(single.schemaErrors[0])}`);
      const c = compare(single);
      if ('unexplained' in c) problems.push(`${domain} #${i}: ${c.unexplained}`);
      if ('differences' in c) for (const d of c.differences) seen.set(d, (seen.get(d) ?? 0) + 1);
    }
    expect(problems).toEqual([]);
    // Ids, times and entry names are airan-valid by construction; only a random interval may fall under 1 ms.
    expect([...seen.keys()].filter((d) => d !== 'measurement-interval')).toEqual([]);
  });

  it('get the same verdicts in one batch per domain', () => {
    for (const domain of ['measurement', 'heartbeat', 'fault']) {
      const batch = events.filter((e) => e.domain === domain).map((e) => e.event);
      const outcomes = outcome({ eventList: batch }, true);
      expect(outcomes.filter((o) => !o.comparison.agree && !('differences' in o.comparison))).toEqual([]);
    }
  });

  it('include the realistic O-RAN event of the parser specs, which the schema accepts', () => {
    expect(outcome({ event: oranEvent() }, false)).toEqual([expect.objectContaining({ schema: true, airan: true })]);
  });
});
