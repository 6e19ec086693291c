/**
 * A stream's position in its topic: for every partition, the next offset to read, written
 * `0:120.1:98.2:77` (partitions in order). It is the SSE `id` of every event (and a field of every
 * WebSocket message): a client that reconnects with it gets every event after it, once, on any api
 * instance, since it names Kafka offsets rather than anything one instance remembers.
 */

/** Next offset per partition, indexed by partition number (0 … n-1). */
export type Offsets = readonly number[];

/** What a partition holds now: offsets from `low` (the oldest kept) to `high` (the next one written). */
export interface OffsetRange {
  readonly partition: number;
  readonly low: number;
  readonly high: number;
}

/** Room for some 200 partitions (the topics here have at most 6): a bound on what a client can send. */
export const MAX_POSITION_LENGTH = 4096;
const ENTRY = /^(0|[1-9]\d{0,3}):(0|[1-9]\d{0,14})$/;

export function formatPosition(offsets: Offsets): string {
  return offsets.map((offset, partition) => `${partition}:${offset}`).join('.');
}

/** The offsets a position names, by partition; undefined when it is not a position at all. */
export function parsePosition(text: string): Map<number, number> | undefined {
  if (text.length === 0 || text.length > MAX_POSITION_LENGTH) return undefined;
  const offsets = new Map<number, number>();
  for (const entry of text.split('.')) {
    const match = ENTRY.exec(entry);
    if (!match || offsets.has(Number(match[1]))) return undefined;
    offsets.set(Number(match[1]), Number(match[2]));
  }
  return offsets;
}

export type PositionCheck =
  | { readonly kind: 'ok'; readonly offsets: Offsets }
  /** Not a position in this topic: other partitions, or offsets it never reached (another topic or deployment). */
  | { readonly kind: 'foreign'; readonly reason: string }
  /** The topic's retention already removed events after this position: resuming would silently skip them. */
  | { readonly kind: 'expired'; readonly reason: string };

/** Whether a parsed position can be resumed from in a topic that now holds `ranges`. */
export function checkPosition(position: ReadonlyMap<number, number>, ranges: readonly OffsetRange[]): PositionCheck {
  if (position.size !== ranges.length || ranges.some((r) => !position.has(r.partition))) {
    return { kind: 'foreign', reason: `names partitions ${[...position.keys()].sort((a, b) => a - b).join(',')}; the topic has ${ranges.length} (0 to ${ranges.length - 1})` };
  }
  const beyond = ranges.find((r) => position.get(r.partition)! > r.high);
  if (beyond) return { kind: 'foreign', reason: `offset ${position.get(beyond.partition)} of partition ${beyond.partition} was never written (it ends at ${beyond.high})` };
  const expired = ranges.find((r) => position.get(r.partition)! < r.low);
  if (expired) return { kind: 'expired', reason: `partition ${expired.partition} no longer holds offsets before ${expired.low} (retention)` };
  return { kind: 'ok', offsets: ranges.map((r) => position.get(r.partition)!) };
}
