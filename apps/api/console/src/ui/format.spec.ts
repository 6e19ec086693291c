import { formatAge, formatInstant, formatValue } from './format';

describe('console formatting', () => {
  it('shows every number with its unit', () => {
    expect(formatValue(0.734, 'ratio%')).toBe('73.4 %');
    expect(formatValue(61.25, '%')).toBe('61.3 %');
    expect(formatValue(3.456, 'ms')).toBe('3.46 ms');
    expect(formatValue(1234.4, 'ms')).toBe('1,234 ms');
    expect(formatValue(301.6, 'W')).toBe('302 W');
    expect(formatValue(71.2, '°C')).toBe('71 °C');
    expect(formatValue(40960, 'MiB')).toBe('40,960 MiB');
    expect(formatValue(12.34, '/min')).toBe('12 /min');
    expect(formatValue(2.34, '/min')).toBe('2.3 /min');
  });

  it('shows a missing value as a dash, not as zero', () => {
    expect(formatValue(null, 'ratio%')).toBe('—');
    expect(formatValue(undefined, 'W')).toBe('—');
    expect(formatValue(Number.NaN, 'ms')).toBe('—');
  });

  it("shows an instant in the viewer's zone and keeps UTC for the tooltip", () => {
    const { local, utc } = formatInstant('2026-12-05T01:02:03.456Z', 'Asia/Seoul');
    expect(local).toBe('05 Dec 2026, 10:02:03 GMT+9');
    expect(utc).toBe('2026-12-05 01:02:03Z UTC');
  });

  it('says how long ago, or never', () => {
    const now = Date.parse('2026-12-05T01:00:00Z');
    expect(formatAge(null, now)).toBe('never');
    expect(formatAge('2026-12-05T00:59:30Z', now)).toBe('30 s ago');
    expect(formatAge('2026-12-05T00:45:00Z', now)).toBe('15 min ago');
    expect(formatAge('2026-12-04T22:00:00Z', now)).toBe('3 h ago');
  });
});
