import { createPrng } from '@airan/demo-fleet';
import {
  BODIES_PER_FORMAT,
  type Case,
  CELL,
  type ErrorKind,
  JUNK_VALUES,
  type Json,
  MAX_BODY_BYTES,
  MAX_RECORDS,
  NODE,
  type Path,
  RAW_MARKER,
  SITE,
  TS,
  UNKNOWN_KEYS,
  ingestFuzz,
  jsonType,
  nodes,
  parses,
  stringifyRaw,
  withValue,
} from './support/ingest-fuzz.fixture';

/**
 * The JSON ingest routes under generated malformed input (native JSON, VES event and eventBatch, OTLP
 * JSON; the set-up is test/support/ingest-fuzz.fixture.ts): each answer is a 4xx with that route's own
 * error body (VES: `requestError`), and the process stays up without logging a failure. The generator is
 * seeded, so a failing body replays; each body is broken by construction (see malformedJson), and the
 * unbroken template is checked to be accepted first, so the refusals come from the breakage.
 */
describe('ingest: fuzzed malformed bodies', () => {
  const fx = ingestFuzz();
  const { fuzz, expectStillUp } = fx;

  beforeAll(() => fx.start());
  afterAll(() => fx.stop());

  const vesEvent = (): Json => ({
    commonEventHeader: {
      domain: 'measurement',
      eventId: `pm-${TS}`,
      eventName: 'Measurement_O_RAN_DU_PM1min',
      lastEpochMicrosec: TS * 1000,
      priority: 'Normal',
      reportingEntityName: 'o-du-gangnam-ves-agent',
      sequence: 7,
      sourceName: SITE,
      startEpochMicrosec: (TS - 60_000) * 1000,
      version: '4.1',
      vesEventListenerVersion: '7.2.1',
    },
    measurementFields: {
      measurementInterval: 60,
      measurementFieldsVersion: '4.0',
      additionalMeasurements: [
        { name: CELL, hashMap: { 'RRU.PrbTotDl': '63.5', 'airan.inference.gpu_ms': '9540.5' } },
        { name: `gpu:${NODE}/gpu0`, hashMap: { DCGM_FI_DEV_GPU_UTIL: '71', 'airan.gpu.radio_share': '0.25' } },
      ],
    },
  });
  const nativeRecord = (): Json => ({ type: 'cell', siteId: SITE, cellId: CELL, ts: new Date(TS).toISOString(), intervalMs: 15_000, gpuMs: 1200, prbDlPct: 41.5 });
  const otlpRequest = (points: number): Json => ({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'airan.site.id', value: { stringValue: SITE } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'RRU.PrbTotDl',
                unit: '%',
                gauge: {
                  dataPoints: Array.from({ length: points }, (_, p) => ({
                    attributes: [{ key: 'airan.cell.id', value: { stringValue: CELL } }],
                    startTimeUnixNano: `${BigInt(TS - 15_000 - p) * 1_000_000n}`,
                    timeUnixNano: `${BigInt(TS - p) * 1_000_000n}`,
                    asDouble: 44.25,
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  });

  // Key names that decide which objects reject an unknown key and which strings are constrained.
  const VES_CONSTRAINED = new Set(['domain', 'priority', 'version', 'vesEventListenerVersion', 'sourceName', 'measurementFieldsVersion', 'name']);
  const jsonTargets = (): JsonTarget[] => [
    {
      name: 'native JSON',
      route: '/v1/telemetry',
      errorKind: 'airan',
      template: { records: [nativeRecord()] },
      strictObject: (path) => path.length === 2 && path[0] === 'records',
      constrainedString: (path) => path[0] === 'records' && ['type', 'siteId', 'cellId', 'ts'].includes(String(path[2])),
      tooMany: () => ({ records: Array.from({ length: MAX_RECORDS + 1 }, nativeRecord) }),
    },
    {
      name: 'VES event',
      route: '/eventListener/v7',
      errorKind: 'ves',
      template: { event: vesEvent() },
      // Every VES object rejects unknown keys, except hashMaps, which reject a value that is not a string.
      strictObject: () => true,
      constrainedString: (path) => VES_CONSTRAINED.has(String(path.at(-1))) || path.at(-2) === 'hashMap',
    },
    {
      name: 'VES eventBatch',
      route: '/eventListener/v7/eventBatch',
      errorKind: 'ves',
      template: { eventList: [vesEvent()] },
      strictObject: () => true,
      constrainedString: (path) => VES_CONSTRAINED.has(String(path.at(-1))) || path.at(-2) === 'hashMap',
      tooMany: () => ({ eventList: Array.from({ length: MAX_RECORDS + 1 }, vesEvent) }),
    },
    {
      name: 'OTLP JSON',
      route: '/v1/metrics',
      errorKind: 'airan',
      template: otlpRequest(1),
      // OTLP/JSON ignores unknown fields by specification: no object is strict.
      strictObject: () => false,
      constrainedString: (path) => ['stringValue', 'timeUnixNano', 'startTimeUnixNano', 'key'].includes(String(path.at(-1))),
      tooMany: () => otlpRequest(MAX_RECORDS + 1),
    },
  ];

  it.each(jsonTargets().map((target, n) => [target.name, target, n] as const))('answers 1,000 malformed %s bodies each with a 4xx and its error body', async (_, target, n) => {
    const valid = await fetch(`${fx.ingest.url}${target.route}`, { method: 'POST', headers: { authorization: `Bearer ${fx.key}`, 'content-type': 'application/json' }, body: JSON.stringify(target.template) });
    expect([200, 202]).toContain(valid.status);

    const logsFrom = fx.ingest.logs.length;
    const random = createPrng(20261128 + n);
    const cases = Array.from({ length: BODIES_PER_FORMAT }, (_, i) => malformedJson(target, random, i, MAX_BODY_BYTES));
    const { failures, statuses } = await fuzz(target.route, target.errorKind, cases);
    expect({ failures: failures.length, first: failures.slice(0, 5) }).toEqual({ failures: 0, first: [] });
    expect(statuses).toEqual([400, 413, 415, 422]);
    await expectStillUp(logsFrom);
  });
});

interface JsonTarget {
  readonly name: string;
  readonly route: string;
  readonly errorKind: ErrorKind;
  /** A valid request, one record only: breaking any part of it leaves no record valid. */
  readonly template: Json;
  /** Objects where an unknown key holding a non-string is an error rather than ignored. */
  readonly strictObject: (path: Path) => boolean;
  /** String leaves holding an id, enum, timestamp or decimal: any of the junk strings is invalid there. */
  readonly constrainedString: (path: Path) => boolean;
  /** The template with more records than INGEST_MAX_RECORDS, where the format counts them. */
  readonly tooMany?: () => Json;
}

const JUNK_STRINGS = ['', ' ', 'a b', '\u0000', 'ü日本\u{1F4A5}', 'x'.repeat(300)];
const WRONG_MEDIA_TYPES = ['text/plain', 'text/plain; charset=utf-8', 'application/xml', 'application/x-www-form-urlencoded', 'application/octet-stream', 'text/html', 'multipart/form-data; boundary=x', undefined];

/** A JSON-format body broken one way, chosen by `i`: syntax, types, unknown keys, numbers, strings, nesting, media type, limits. */
function malformedJson(target: JsonTarget, random: () => number, i: number, maxBodyBytes: number): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const json = (label: string, body: string): Case => ({ label, body, contentType: 'application/json' });
  const template = target.template;
  const valid = JSON.stringify(template);
  const all = nodes(template);
  const leaves = all.filter((n) => n.value === null || typeof n.value !== 'object');
  switch (i % 10) {
    case 0: {
      // Truncated JSON, possibly with a stray character; redrawn until it no longer parses.
      for (;;) {
        const body = valid.slice(0, 1 + Math.floor(random() * (valid.length - 2))) + pick(['', '}', ']', ',', '"', '\u0000', '{"']);
        if (!parses(body)) return json('truncated', body);
      }
    }
    case 1:
      return { label: 'random bytes', body: Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)), contentType: 'application/json' };
    case 2:
      return json('empty', pick(['', ' ', '\n\t ']));
    case 3: {
      // A value of another JSON type at any level, the root included.
      const { path, value } = pick(all);
      return json(`type at ${path.join('.')}`, JSON.stringify(withValue(template, path, pick(JUNK_VALUES.filter((j) => jsonType(j) !== jsonType(value))))));
    }
    case 4: {
      const objects = all.filter((n) => jsonType(n.value) === 'object');
      const strict = objects.filter((n) => target.strictObject(n.path));
      // An unknown key where the format rejects one; anywhere, a prototype-poisoning key the JSON parser refuses.
      if (strict.length > 0 && random() < 0.6) {
        const { path } = pick(strict);
        return json(`unknown key at ${path.join('.')}`, JSON.stringify(withValue(template, path, pick(JUNK_VALUES.filter((j) => typeof j !== 'string')), pick(UNKNOWN_KEYS))));
      }
      const { path } = pick(objects);
      const [poison, value] = pick<[string, Json]>([
        ['__proto__', { polluted: true }],
        ['constructor', { prototype: { polluted: true } }],
      ]);
      return json(`${poison} at ${path.join('.')}`, JSON.stringify(withValue(template, path, value, poison)));
    }
    case 5: {
      // A number beyond float64 (±Infinity once parsed) for a number, or a huge one for anything else.
      const { path, value } = pick(leaves);
      const raw = typeof value === 'number' ? pick(['1e400', '-1e400']) : pick(['1e400', '-1e400', '123456789012345678901234567890']);
      return json(`huge number at ${path.join('.')}`, stringifyRaw(withValue(template, path, RAW_MARKER), raw));
    }
    case 6: {
      const constrained = leaves.filter((n) => typeof n.value === 'string' && target.constrainedString(n.path));
      const { path } = pick(constrained);
      return json(`junk string at ${path.join('.')}`, JSON.stringify(withValue(template, path, pick(JUNK_STRINGS))));
    }
    case 7: {
      // Arrays nested deeper than JSON.stringify can write back (about 5,000 levels), anywhere.
      const { path } = pick(all);
      const depth = pick([8, 64, 512, 4096, 12_000]);
      return json(`nesting ${depth} at ${path.join('.')}`, stringifyRaw(withValue(template, path, RAW_MARKER), '['.repeat(depth) + ']'.repeat(depth)));
    }
    case 8: {
      const contentType = pick(WRONG_MEDIA_TYPES);
      return { label: 'media type', body: contentType ? valid : new TextEncoder().encode(valid), contentType };
    }
    default:
      if (target.tooMany && random() < 0.5) return json('too many records', JSON.stringify(target.tooMany()));
      return json('too large', JSON.stringify({ ...(template as Record<string, Json>), padding: 'x'.repeat(maxBodyBytes) }));
  }
}
