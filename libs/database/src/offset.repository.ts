import type { EntityManager } from 'typeorm';

/** Kafka offsets stored beside the state they produced. All methods run inside the caller's transaction. */
export class OffsetRepository {
  constructor(private readonly schema: string) {}

  /** Locks the partition's row (so two instances never apply the same batch) and returns the next offset to apply. */
  async lockNextOffset(tx: EntityManager, groupId: string, topic: string, partition: number): Promise<bigint> {
    await tx.query(
      `INSERT INTO "${this.schema}".consumer_offsets (group_id, topic, partition, next_offset)
       VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`,
      [groupId, topic, partition],
    );
    const rows: Array<{ next_offset: string }> = await tx.query(
      `SELECT next_offset FROM "${this.schema}".consumer_offsets
       WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE`,
      [groupId, topic, partition],
    );
    return BigInt(rows[0].next_offset);
  }

  async advance(tx: EntityManager, groupId: string, topic: string, partition: number, nextOffset: bigint): Promise<void> {
    await tx.query(
      `UPDATE "${this.schema}".consumer_offsets SET next_offset = $4, updated_at = now()
       WHERE group_id = $1 AND topic = $2 AND partition = $3`,
      [groupId, topic, partition, nextOffset.toString()],
    );
  }
}
