import { fingerprint } from './fingerprint';

/**
 * Independent reference for Prometheus `model.labelSetToFingerprint` (which Alertmanager uses as the
 * alert fingerprint): FNV-1a 64 over the label names sorted in byte order (Go string order), each
 * name followed by 0xff, then its value followed by 0xff.
 *
 * Unlike the implementation under test (BigInt, Buffer, String#sort), this one keeps the 64-bit hash
 * as two unsigned 32-bit halves, encodes with TextEncoder and sorts names by their UTF-8 bytes.
 * FNV prime 0x100000001b3 = 2^40 + 0x1b3, so h·p mod 2^64 = h·0x1b3 + (h << 40) mod 2^64.
 */
function referenceFingerprint(labels: Readonly<Record<string, string>>): string {
  const enc = new TextEncoder();
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const add = (byte: number) => {
    lo = (lo ^ byte) >>> 0;
    const loProd = lo * 0x1b3; // < 2^41: exact in a double
    const carry = Math.floor(loProd / 0x1_0000_0000);
    // high word: hi·0x1b3 + carry + (lo << 8), all mod 2^32 (h << 40 puts lo's low 24 bits at hi's bits 8..31)
    hi = (Math.imul(hi, 0x1b3) + carry + ((lo & 0x00ffffff) * 0x100)) >>> 0;
    lo = loProd >>> 0;
  };
  const compareBytes = (a: Uint8Array, b: Uint8Array) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  };
  const names = Object.keys(labels)
    .map((name) => ({ name, bytes: enc.encode(name) }))
    .sort((a, b) => compareBytes(a.bytes, b.bytes));
  for (const { name, bytes } of names) {
    bytes.forEach(add);
    add(0xff);
    enc.encode(labels[name]).forEach(add);
    add(0xff);
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

/** Published in prometheus/common model/fingerprinting_test.go (TestMetricToFingerprint): 5799056148416392346. */
const PROMETHEUS_LABELS = { name: 'garland, briggs', fear: 'love is not enough' };
const PROMETHEUS_FINGERPRINT = '507a62d79ee76c9a';

describe('reference FNV-1a implementation (test self-check)', () => {
  it('matches the FNV-1a 64 offset basis for the empty set and the published Prometheus value', () => {
    expect(referenceFingerprint({})).toBe('cbf29ce484222325');
    expect(referenceFingerprint(PROMETHEUS_LABELS)).toBe(PROMETHEUS_FINGERPRINT);
    expect(BigInt('0x' + PROMETHEUS_FINGERPRINT)).toBe(5799056148416392346n);
  });
});

describe('fingerprint', () => {
  it('is the FNV-1a 64 offset basis for the empty label set', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325');
  });

  it('matches the fingerprint published by Prometheus for a known label set', () => {
    expect(fingerprint(PROMETHEUS_LABELS)).toBe(PROMETHEUS_FINGERPRINT);
  });

  it('matches the independently computed fingerprint for typical alert labels', () => {
    const labels = { alertname: 'CellInferenceLoadHigh', severity: 'warning', cell_id: 'cell-17', site_id: 'lon-01', operator: 'op-a' };
    const expected = referenceFingerprint(labels);
    expect(fingerprint(labels)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each([
    [{ a: '' }],
    [{ '': '' }],
    [{ alertname: 'X' }],
    [{ b: '2', a: '1', c: '3' }],
    [{ cell: 'Zürich-東京-😀' }],
    [{ __name__: 'up', job: 'prometheus', instance: 'localhost:9090' }],
  ])('matches the reference for %j', (labels) => {
    expect(fingerprint(labels)).toBe(referenceFingerprint(labels));
  });

  it('does not depend on key insertion order', () => {
    expect(fingerprint({ a: '1', b: '2', c: '3' })).toBe(fingerprint({ c: '3', a: '1', b: '2' }));
  });

  it('separates names from values', () => {
    expect(fingerprint({ a: 'bc' })).not.toBe(fingerprint({ ab: 'c' }));
    expect(fingerprint({ a: 'b', c: '' })).not.toBe(fingerprint({ a: 'bc' }));
  });

  it('changes when any value changes', () => {
    expect(fingerprint({ alertname: 'X', cell_id: 'c1' })).not.toBe(fingerprint({ alertname: 'X', cell_id: 'c2' }));
  });

  it('always renders 16 lower-case hex digits, zero-padded', () => {
    // Find (deterministically) a label set whose fingerprint has a leading zero nibble.
    let labels: Record<string, string> = {};
    for (let i = 0; i < 1_000; i++) {
      labels = { alertname: `A${i}` };
      if (referenceFingerprint(labels).startsWith('0')) break;
    }
    const expected = referenceFingerprint(labels);
    expect(expected.startsWith('0')).toBe(true);
    expect(fingerprint(labels)).toBe(expected);
    expect(fingerprint(labels)).toMatch(/^[0-9a-f]{16}$/);
  });

  // Go sorts strings by UTF-8 bytes; UTF-16 order differs when one name has a character in U+E000–U+FFFF
  // and another, at the same position, one above U+FFFF ('Ａ' U+FF21 vs '😀' U+1F600). Reachable with
  // UTF-8 label names (Prometheus 3 / Alertmanager UTF-8 mode).
  it('orders UTF-8 label names by their bytes, as Go does', () => {
    const labels = { '\uFF21': 'x', '\u{1F600}': 'y' };
    expect(fingerprint(labels)).toBe(referenceFingerprint(labels));
  });
});
