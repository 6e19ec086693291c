import { createHash } from 'node:crypto';
import { createPrng, type Prng } from '@airan/demo-fleet';
import { at, isObject, key } from './format-common';
import { VES_DOMAINS } from './ves.constants';
import { header, type Json, measurement, oranEvent } from './ves.fixtures';
import { compare, definition, DIFFERENCES, generate, generatedEvent, verdicts } from './ves.official-schema.fixtures';
import { BLOCK_OF } from './ves.schema';

/**
 * Single-field mutations of valid measurement, heartbeat and fault events, each judged by the official
 * VES 7.2.1 schema (Ajv) and by airan's parser: they must agree, or disagree only for a deliberate
 * difference of the allow-list (DIFFERENCES, docs/telemetry-mapping.md §4), named. Seeded, so a failure replays.
 */

const SEED = 0x7e5_0721;
type Kind = 'remove' | 'wrong-type' | 'out-of-enum' | 'extra-property' | 'boundary-number' | 'string-content' | 'empty-array' | 'domain' | 'extra-block';
type Step = string | number;
interface Mutation {
  readonly base: string;
  readonly kind: Kind;
  /** JSON path of the mutated field in the event (`$` = the event). */
  readonly path: string;
  /** The value put there; absent for a removal. */
  readonly value?: unknown;
  readonly event: Json;
}

/** Valid events: as airan maps them (cells, GPUs), with every VES 7.x measurement field, heartbeats and a fault. */
function baseEvents(rng: Prng): Array<[string, Json]> {
  const oneItem = (value: unknown): unknown =>
    Array.isArray(value) ? value.slice(0, 1).map(oneItem) : isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, oneItem(v)])) : value;
  const vesFields = oneItem(generate(definition('measurementFields'), rng, 1)) as Json;
  const fullMeasurement = measurement(
    [
      { name: 'nrcell-muc-02-1', hashMap: { 'RRU.PrbUsedUl': '20', 'RRU.PrbAvailUl': '100', 'DRB.UEThpUl': '5120', 'airan.inference.latency_p95_ms': '38' } },
      { name: 'gpu:aerial-02/3', hashMap: { DCGM_FI_DEV_GPU_UTIL: '55', DCGM_FI_DEV_POWER_USAGE: '250.5', 'airan.gpu.radio_share': '0.3' } },
    ],
    { ...vesFields, measurementInterval: 60, measurementFieldsVersion: '4.0', additionalFields: { siteId: 'site-muc-02' } },
    { internalHeaderFields: { collectorTimeStamp: 'Fri, 11 27 2026 09:00:00 UTC' }, nfcNamingCode: 'DU1', stndDefinedNamespace: '3GPP-PerformanceAssurance', eventType: 'O_RAN_COMPONENT_PM1min' },
  );
  const beat = (extra: Json = {}): Json => ({
    commonEventHeader: header({ domain: 'heartbeat', eventName: 'Heartbeat_O_RAN_DU', eventId: 'hb-du-muc-01-0001', priority: 'Low' }),
    heartbeatFields: { heartbeatFieldsVersion: '3.0', heartbeatInterval: 60, additionalFields: { siteId: 'site-muc-01', state: 'up' } },
    ...extra,
  });
  const faultFields = {
    alarmCondition: 'linkDown',
    eventSeverity: 'MAJOR',
    eventSourceType: 'O_RAN_COMPONENT',
    faultFieldsVersion: '4.0',
    specificProblem: 'fronthaul link down',
    vfStatus: 'Active',
    alarmAdditionalInformation: { siteId: 'site-muc-01', port: 'eth2' },
    alarmInterfaceA: 'eth2',
    eventCategory: 'link',
  };
  const fault = { commonEventHeader: header({ domain: 'fault', eventName: 'Fault_O_RAN_DU_linkDown', eventId: 'fault-du-muc-01-77', priority: 'High', nfVendorName: 'ORAN-SC' }), faultFields };
  return [
    ['measurement (cells and GPUs, as airan maps them)', oranEvent()],
    ['measurement (every VES 7.x measurement field)', fullMeasurement],
    ['heartbeat', beat()],
    ['heartbeat carrying faultFields', beat({ faultFields: { ...faultFields, alarmAdditionalInformation: { note: 'not read' } } })],
    ['fault', fault],
  ];
}

const BOUNDARIES = [0, -1, 0.0004, 0.0005, 0.5, 1, 3600, 3600.001, 86_400, 86_400.0005, 86_400.001, 2 ** 31, 2 ** 53, 1e300];
/** Numbers airan reads (it checks ranges on some): every boundary; any other number gets a seeded few. */
const READ_NUMBERS = new Set(['measurementInterval', 'heartbeatInterval', 'sequence', 'lastEpochMicrosec', 'startEpochMicrosec']);
const EXTRA_KEYS = ['extra', 'vendorExtension', 'x_counter', 'Extra-Field'];
const METRIC_TEXTS = ['abc', '-1', '<<<NULL>>>', '1e400', '1,5', '0x10'];

function typeOf(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

function mutations(base: string, event: Json, rng: Prng): Mutation[] {
  const out: Mutation[] = [];
  const sample = <T>(values: readonly T[], n: number): T[] => {
    const pool = [...values];
    return Array.from({ length: Math.min(n, pool.length) }, () => pool.splice(Math.floor(rng() * pool.length), 1)[0]);
  };
  const label = (steps: readonly Step[]) => steps.reduce<string>((p, s) => (typeof s === 'number' ? at(p, s) : key(p, s)), '$');
  const set = (kind: Kind, steps: readonly Step[], value: unknown, remove = false): void => {
    const copy = structuredClone(event);
    let node = copy as Record<Step, unknown>;
    for (const s of steps.slice(0, -1)) node = node[s] as Record<Step, unknown>;
    const last = steps[steps.length - 1];
    if (remove) delete node[last];
    else node[last] = value;
    out.push({ base, kind, path: label(steps), ...(remove ? {} : { value }), event: copy });
  };
  const walk = (node: unknown, steps: Step[]): void => {
    const name = steps[steps.length - 1];
    if (steps.length > 0) {
      const others = [null, true, 7, 2.5, 'text', [], {}].filter((v) => typeOf(v) !== typeOf(node) || (typeof node === 'number' && !Number.isInteger(v)));
      for (const v of sample(others, 2)) set('wrong-type', steps, v);
    }
    if (typeof node === 'number') for (const v of READ_NUMBERS.has(String(name)) ? BOUNDARIES : sample(BOUNDARIES, 3)) set('boundary-number', steps, v);
    if (typeof node === 'string') {
      const flipped = node === node.toLowerCase() ? node.toUpperCase() : node.toLowerCase();
      for (const v of new Set([flipped, `${node}-x`])) if (v !== node) set('out-of-enum', steps, v);
      const inHashMap = steps.includes('hashMap');
      for (const v of ['', ` ${node}`, ...(inHashMap ? sample(METRIC_TEXTS, 2) : [])]) set('string-content', steps, v);
      if (name === 'domain') for (const d of VES_DOMAINS) if (d !== node) set('domain', steps, d);
    }
    if (Array.isArray(node)) {
      if (node.length > 0) set('empty-array', steps, []);
      node.forEach((item, i) => walk(item, [...steps, i]));
    } else if (isObject(node)) {
      for (const [k, v] of Object.entries(node)) {
        set('remove', [...steps, k], undefined, true);
        walk(v, [...steps, k]);
      }
      set('extra-property', [...steps, sample(EXTRA_KEYS, 1)[0]], 'x');
    }
  };
  walk(event, []);
  for (const block of Object.values(BLOCK_OF)) if (!(block in event)) set('extra-block', [block], generate(definition(block), rng, 0));
  return out;
}

const rng = createPrng(SEED);
const BASES = baseEvents(rng);
const MUTATIONS = BASES.flatMap(([base, event]) => mutations(base, event, rng));
const ROUTES = ['/eventListener/v7', '/eventListener/v7/eventBatch', 'eventBatch after the valid base'] as const;
const baseOf = new Map(BASES);

/** The body of a mutated event on each route; on the third the valid base precedes it, which must keep its own verdict. */
function bodyOf(m: Mutation, route: (typeof ROUTES)[number]): { body: Json; batch: boolean } {
  if (route === '/eventListener/v7') return { body: { event: m.event }, batch: false };
  if (route === '/eventListener/v7/eventBatch') return { body: { eventList: [m.event] }, batch: true };
  return { body: { eventList: [baseOf.get(m.base) as Json, m.event] }, batch: true };
}

const seen = new Map<string, number>();
function judge(body: unknown, batch: boolean, what: string, problems: string[]): void {
  verdicts(body, batch).forEach((v, i) => {
    const c = compare(v);
    if ('unexplained' in c) problems.push(`${what} (event ${i}): ${c.unexplained}`);
    if ('differences' in c) for (const d of c.differences) seen.set(d, (seen.get(d) ?? 0) + 1);
  });
}

describe(`VES verdicts: airan vs the official schema (seed ${SEED})`, () => {
  it('starts from base events that both accept', () => {
    for (const [base, event] of BASES) expect([base, verdicts({ event }, false).map((v) => [v.schemaErrors.length, v.refusals])]).toEqual([base, [[0, undefined]]]);
  });

  it('generates the same mutations from the same seed', () => {
    const again = createPrng(SEED);
    const replay = baseEvents(again).flatMap(([base, event]) => mutations(base, event, again));
    const digest = (list: Mutation[]) => createHash('sha256').update(JSON.stringify(list)).digest('hex');
    expect(replay.length).toBe(MUTATIONS.length);
    expect(digest(replay)).toBe(digest(MUTATIONS));
  });

  const counts = MUTATIONS.reduce<Record<string, number>>((acc, m) => ({ ...acc, [m.kind]: (acc[m.kind] ?? 0) + 1 }), {});
  const summary = Object.entries(counts)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');

  it(`agree on ${MUTATIONS.length} single-field mutations of ${BASES.length} base events (${summary}) on ${ROUTES.length} routes, but for allow-listed differences`, () => {
    const problems: string[] = [];
    for (const m of MUTATIONS) {
      for (const route of ROUTES) {
        const { body, batch } = bodyOf(m, route);
        judge(body, batch, `${m.base}: ${m.kind} ${m.path}${'value' in m ? ` = ${JSON.stringify(m.value)}` : ''} on ${route}`, problems);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    for (const kind of ['remove', 'wrong-type', 'out-of-enum', 'extra-property', 'boundary-number', 'string-content', 'empty-array', 'domain', 'extra-block']) expect(counts[kind]).toBeGreaterThan(0);
  });

  const measurementEvent = BASES[0][1];
  const heartbeatEvent = BASES[2][1];
  const stateChange = generatedEvent('measurement', createPrng(SEED + 1), 0);
  (stateChange.commonEventHeader as Json).domain = 'stateChange';
  const BODIES: Array<[string, unknown, boolean]> = [
    ['an empty object on /v7', {}, false],
    ['an empty object on eventBatch', {}, true],
    ['eventList on /v7', { eventList: [heartbeatEvent] }, false],
    ['event on eventBatch', { event: heartbeatEvent }, true],
    ['event and eventList on /v7', { event: heartbeatEvent, eventList: [heartbeatEvent] }, false],
    ['an unknown top-level key', { event: heartbeatEvent, meta: { from: 'relay' } }, false],
    ['a misspelt relay key', { eventList: [heartbeatEvent], VesUniqueId: 'u-1' }, true],
    ['the ONAP relay keys', { event: measurementEvent, VESuniqueId: 'u-1', VESversion: 'v7' }, false],
    ['the ONAP relay keys on eventBatch', { eventList: [measurementEvent], VESuniqueId: 'u-1', VESversion: 'v7' }, true],
    ['an empty eventList', { eventList: [] }, true],
    ['a batch of measurement and heartbeat', { eventList: [measurementEvent, heartbeatEvent] }, true],
    ['an unsupported domain', { event: stateChange }, false],
    ['eventList not an array', { eventList: { 0: heartbeatEvent } }, true],
    ['event not an object', { event: [heartbeatEvent] }, false],
    ['a null event', { event: null }, false],
    ['an array body', [heartbeatEvent], true],
    ['a string body', 'event', false],
    ['a null body', null, false],
  ];

  it(`agree on ${BODIES.length} request bodies, but for allow-listed differences`, () => {
    const problems: string[] = [];
    for (const [what, body, batch] of BODIES) judge(body, batch, what, problems);
    expect(problems).toEqual([]);
  });

  it('exercise every difference of the allow-list, so none stays listed once airan agrees with the schema', () => {
    expect(DIFFERENCES.map((d) => d.name).filter((name) => !seen.has(name))).toEqual([]);
  });
});
