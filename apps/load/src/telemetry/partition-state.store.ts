import { OpenWindowSet } from '../windows/open-windows.set';
import { PartitionWindowSamples } from '../windows/window-samples.buffer';
import type { OpenWindow } from '../windows/window.model';

/** What Postgres holds of a partition's stream state, as of its stored offset. */
export interface StoredPartitionState {
  /** The largest event time applied (−∞ before the first sample). */
  readonly maxEventTime: number;
  readonly openWindows: readonly OpenWindow[];
}

/**
 * A telemetry partition's stream state in memory: its largest event time, its open windows and their
 * samples. Postgres holds the same state, changed in each batch's transaction beside the stored offset
 * (docs/load-model.md, "Stream state in memory"); this copy spares the batch reading it.
 */
export class PartitionState {
  readonly openWindows: OpenWindowSet;
  readonly samples: PartitionWindowSamples;
  private eventTime: number;

  constructor(stored: StoredPartitionState, windowMs: number) {
    this.eventTime = stored.maxEventTime;
    this.openWindows = new OpenWindowSet(stored.openWindows);
    this.samples = new PartitionWindowSamples(stored.maxEventTime, windowMs);
  }

  /** The largest event time applied, in step with `load.partition_watermarks`. */
  get maxEventTime(): number {
    return this.eventTime;
  }

  /** A segment raised event time to `maxEventTime`, as the table keeps it (whole milliseconds). */
  advance(maxEventTime: number): void {
    this.eventTime = Math.trunc(maxEventTime);
  }
}

/**
 * The states of the partitions this instance applies. A state is kept from one batch to the next only
 * when the next batch starts where the last one applied here ended: after a failed transaction, a
 * rebalance that let another instance apply the partition meanwhile, or a restart, the partition's state
 * is restored from what Postgres holds.
 */
export class PartitionStates {
  private readonly partitions = new Map<string, { state: PartitionState; nextOffset: bigint | null }>();

  constructor(private readonly windowMs: number) {}

  /** The partition's state if it is still the one Postgres holds for a batch starting at `firstOffset`. */
  kept(topic: string, partition: number, firstOffset: bigint): PartitionState | undefined {
    const kept = this.partitions.get(key(topic, partition));
    if (!kept || kept.nextOffset !== firstOffset) return undefined;
    // Until batchApplied, a failure leaves it unusable.
    kept.nextOffset = null;
    return kept.state;
  }

  /** A new state for the partition, from what Postgres holds in the batch's transaction. */
  restored(topic: string, partition: number, stored: StoredPartitionState): PartitionState {
    const state = new PartitionState(stored, this.windowMs);
    this.partitions.set(key(topic, partition), { state, nextOffset: null });
    return state;
  }

  /** The batch applied without error up to `nextOffset`; its transaction commits next (if it does not, the next batch starts before `nextOffset`). */
  batchApplied(topic: string, partition: number, nextOffset: bigint): void {
    const kept = this.partitions.get(key(topic, partition));
    if (kept) kept.nextOffset = nextOffset;
  }
}

const key = (topic: string, partition: number) => `${topic}:${partition}`;
