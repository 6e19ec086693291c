import type { TelemetryDeadLetter } from '@airan/contracts';
import { cutToJsonBytes, DeadLetterTooLargeError, fitDeadLetter } from './dead-letter.fitter';

const letter = (raw: unknown, errors = [{ path: '$.event.measurementFields', code: 'OUT_OF_RANGE', message: 'bad counter' }]): TelemetryDeadLetter => ({
  schema: 'airan.telemetry.dlq/1',
  id: 'c2a1f3d0-0000-4000-8000-000000000001',
  reason: errors[0].code,
  errors,
  format: 'ves',
  keyId: 'key-1',
  operatorId: 'skt',
  siteId: 'site-a',
  receivedAt: 1_795_856_400_000,
  raw,
});

const bytes = (json: string) => Buffer.byteLength(json);

describe('fitDeadLetter', () => {
  it('sends a dead letter that fits as it is', () => {
    const l = letter({ event: { small: true } });
    expect(fitDeadLetter(l, 4096)).toBe(JSON.stringify(l));
  });

  it('cuts the raw record of one too large to its beginning, keeping everything else and the full size', () => {
    const raw = { event: { padding: 'é'.repeat(20_000), quote: '"\n' } };
    const fitted = fitDeadLetter(letter(raw), 4096);
    expect(bytes(fitted)).toBeLessThanOrEqual(4096);
    const value = JSON.parse(fitted) as TelemetryDeadLetter;
    const text = JSON.stringify(raw);
    expect(value).toEqual({ ...letter(raw), raw: expect.any(String), rawTruncated: { bytes: bytes(text) } });
    expect(text.startsWith(value.raw as string)).toBe(true);
    // Nearly all of the room is used.
    expect(bytes(fitted)).toBeGreaterThan(4000);
  });

  it('keeps a text record (a Prometheus line) a string, cut', () => {
    const line = `DCGM_FI_DEV_GPU_UTIL{gpu="0",Hostname="${'h'.repeat(10_000)}"} 140`;
    const value = JSON.parse(fitDeadLetter({ ...letter(line), format: 'prometheus' }, 2048)) as TelemetryDeadLetter;
    expect(line.startsWith(value.raw as string)).toBe(true);
    expect(value.rawTruncated).toEqual({ bytes: line.length });
  });

  it('sums up the errors that do not fit in one TRUNCATED entry', () => {
    const errors = Array.from({ length: 1000 }, (_, i) => ({ path: `$.event.measurementFields.additionalMeasurements[${i}].hashMap.x`, code: 'INVALID_VALUE', message: `"x${i}" is not a decimal number` }));
    const fitted = fitDeadLetter(letter({ event: {} }, errors), 8192);
    expect(bytes(fitted)).toBeLessThanOrEqual(8192);
    const value = JSON.parse(fitted) as TelemetryDeadLetter;
    const kept = value.errors.length - 1;
    expect(kept).toBeGreaterThan(10);
    expect(value.errors.slice(0, kept)).toEqual(errors.slice(0, kept));
    expect(value.errors[kept]).toEqual({ path: '$', code: 'TRUNCATED', message: `${1000 - kept} more errors left out: the dead letter must fit in one Kafka message` });
    expect(value.reason).toBe('INVALID_VALUE');
  });

  it('refuses only when not even the envelope fits', () => {
    expect(() => fitDeadLetter(letter('x'.repeat(1000)), 200)).toThrow(DeadLetterTooLargeError);
  });
});

describe('cutToJsonBytes', () => {
  it('takes the longest prefix whose JSON escape fits, never splitting a surrogate pair', () => {
    expect(cutToJsonBytes('abcdef', 4)).toBe('abcd');
    expect(cutToJsonBytes('a"b"c', 4)).toBe('a"b');
    expect(cutToJsonBytes('ab😀cd', 4)).toBe('ab');
    expect(cutToJsonBytes('ab😀cd', 6)).toBe('ab😀');
    expect(cutToJsonBytes('short', 100)).toBe('short');
  });
});
