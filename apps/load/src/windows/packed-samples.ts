import { CELL_FIELDS, type CellSample, GPU_FIELDS, type GpuSample } from '@airan/contracts';
import { byCodeUnits } from '@airan/system';
import type { StoredCellSample } from '../telemetry/sample.repository';

/**
 * Samples held until their window closes live for seconds to minutes: as one object each (about 470 bytes
 * with its array and map entry) they outlive young-generation collections. At 30,000 cells reporting every
 * second, load's peak RSS was 620 MB with objects and 556 MB packed (docs/performance.md). Packed, a sample
 * is its numbers in one unboxed double array (NaN where a measurement was not reported: JSON has no NaN)
 * plus one string reference; objects are made at close, and die young.
 */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One cell's samples in one window: ts, intervalMs and CELL_FIELDS per sample, with its traceparent. */
export class PackedCellSamples {
  private static readonly WIDTH = 2 + CELL_FIELDS.length;
  private readonly numbers: number[] = [];
  private readonly traceparents: Array<string | null> = [];

  add(s: CellSample, traceparent: string | null): void {
    this.numbers.push(s.ts, s.intervalMs);
    for (const field of CELL_FIELDS) this.numbers.push(s[field] ?? NaN);
    this.traceparents.push(traceparent);
  }

  /** The samples as stored rows read back give them, by ts. */
  unpack(cellId: string): StoredCellSample[] {
    const out: StoredCellSample[] = [];
    for (let i = 0; i < this.traceparents.length; i++) {
      const at = i * PackedCellSamples.WIDTH;
      const s: Mutable<StoredCellSample> = { cellId, ts: this.numbers[at], intervalMs: this.numbers[at + 1], traceparent: this.traceparents[i] };
      CELL_FIELDS.forEach((field, k) => {
        const value = this.numbers[at + 2 + k];
        if (!Number.isNaN(value)) s[field] = value;
      });
      out.push(s);
    }
    return out.sort((a, b) => a.ts - b.ts);
  }
}

/** One GPU node's samples in one window: ts and GPU_FIELDS per sample, with its device. */
export class PackedGpuSamples {
  private static readonly WIDTH = 1 + GPU_FIELDS.length;
  private readonly numbers: number[] = [];
  private readonly devices: string[] = [];

  add(s: GpuSample): void {
    this.numbers.push(s.ts);
    for (const field of GPU_FIELDS) this.numbers.push(s[field] ?? NaN);
    this.devices.push(s.device);
  }

  /** The samples as stored rows read back give them, by device, then ts. */
  unpack(node: string): GpuSample[] {
    const out: GpuSample[] = [];
    for (let i = 0; i < this.devices.length; i++) {
      const at = i * PackedGpuSamples.WIDTH;
      const s: Mutable<GpuSample> = { node, device: this.devices[i], ts: this.numbers[at] };
      GPU_FIELDS.forEach((field, k) => {
        const value = this.numbers[at + 1 + k];
        if (!Number.isNaN(value)) s[field] = value;
      });
      out.push(s);
    }
    return out.sort((a, b) => byCodeUnits(a.device, b.device) || a.ts - b.ts);
  }
}
