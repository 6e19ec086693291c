/**
 * Alertmanager's alert identity: 64-bit FNV-1a over the label set sorted by name, each name and value
 * followed by the 0xff separator; 16 lower-case hex digits.
 */
const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

export function fingerprint(labels: Readonly<Record<string, string>>): string {
  let hash = OFFSET;
  const step = (byte: number) => {
    hash ^= BigInt(byte);
    hash = (hash * PRIME) & MASK;
  };
  // Go sorts label names by their UTF-8 bytes; JavaScript's default sort compares UTF-16 units.
  const names = Object.keys(labels).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  for (const name of names) {
    for (const byte of Buffer.from(name, 'utf8')) step(byte);
    step(0xff);
    for (const byte of Buffer.from(labels[name], 'utf8')) step(byte);
    step(0xff);
  }
  return hash.toString(16).padStart(16, '0');
}
