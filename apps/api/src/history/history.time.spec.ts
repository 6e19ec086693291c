import { isoFromMicros, parseInstant } from './history.time';

describe('instants in microseconds', () => {
  it('reads ISO 8601 with any offset to the microsecond', () => {
    expect(parseInstant('2026-11-27T00:00:00Z')).toBe(1_795_737_600_000_000n);
    expect(parseInstant('2026-11-27T09:00:00+09:00')).toBe(1_795_737_600_000_000n);
    expect(parseInstant('2026-11-27T00:00:00.5Z')).toBe(1_795_737_600_500_000n);
    expect(parseInstant('2026-11-27T00:00:00.123456Z')).toBe(1_795_737_600_123_456n);
    expect(parseInstant('2026-11-27T00:00:00.1234567Z')).toBe(1_795_737_600_123_456n);
  });

  it('writes milliseconds always and microseconds when there are any, before 1970 too', () => {
    expect(isoFromMicros(1_795_737_600_000_000n)).toBe('2026-11-27T00:00:00.000Z');
    expect(isoFromMicros('1795737600123456')).toBe('2026-11-27T00:00:00.123456Z');
    expect(isoFromMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    for (const iso of ['2026-11-27T00:00:00.000001Z', '1999-12-31T23:59:59.999999Z', '2026-01-01T00:00:00.100Z']) expect(isoFromMicros(parseInstant(iso))).toBe(iso);
  });
});
