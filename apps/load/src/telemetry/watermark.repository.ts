import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { at, ms } from '../load.sql';

/** Each telemetry partition's largest event time so far (`load.partition_watermarks`), inside the consumer's transaction. */
@Injectable()
export class WatermarkRepository {
  /** The partition's largest event time so far (−∞ before the first sample). */
  async maxEventTime(tx: EntityManager, topic: string, partition: number): Promise<number> {
    const rows: Array<{ max_event_time: number | null }> = await tx.query(
      `SELECT ${ms('max_event_time')} AS max_event_time FROM load.partition_watermarks WHERE topic = $1 AND partition = $2`,
      [topic, partition],
    );
    return rows[0]?.max_event_time ?? -Infinity;
  }

  /** Raises the partition's largest event time. */
  async advanceMaxEventTime(tx: EntityManager, topic: string, partition: number, eventTime: number): Promise<void> {
    await tx.query(
      `INSERT INTO load.partition_watermarks (topic, partition, max_event_time) VALUES ($1, $2, ${at('$3::float8')})
       ON CONFLICT (topic, partition) DO UPDATE SET max_event_time = GREATEST(partition_watermarks.max_event_time, EXCLUDED.max_event_time)`,
      [topic, partition, Math.trunc(eventTime)],
    );
  }
}
