import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TelemetryDeadLetter } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';

/** Rows deleted per statement when pruning, so no prune holds many row locks or one long transaction. */
const PRUNE_BATCH = 5000;

/**
 * The api's read model of `airan.telemetry.dlq.v1` (`api.dead_letters`): each dead letter once, by its
 * event id, under the operator whose key sent the record (the principal ingest recorded in it).
 */
@Injectable()
export class DeadLetterRepository {
  constructor(@Inject(INFRA) private readonly infra: ServiceInfra) {}

  /** Records dead letters inside the consumer's transaction; one already recorded (a redelivery) is left as it is. */
  async record(tx: EntityManager, letters: readonly TelemetryDeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await tx.query(
      `INSERT INTO api.dead_letters (event_id, operator_id, site_id, key_id, format, reason, errors, raw, raw_truncated_bytes, received_at)
       SELECT id, o, s, k, f, r, e, raw, rt, timestamptz 'epoch' + at * interval '1 millisecond'
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[], $9::int[], $10::float8[])
         AS d(id, o, s, k, f, r, e, raw, rt, at)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        letters.map((l) => l.id),
        letters.map((l) => l.operatorId),
        letters.map((l) => l.siteId),
        letters.map((l) => l.keyId),
        letters.map((l) => l.format),
        letters.map((l) => l.reason),
        letters.map((l) => JSON.stringify(withoutNul(l.errors))),
        letters.map((l) => (l.raw === undefined ? null : JSON.stringify(withoutNul(l.raw)))),
        letters.map((l) => l.rawTruncated?.bytes ?? null),
        letters.map((l) => l.receivedAt),
      ],
    );
  }

  /** Deletes dead letters ingest received before `cutoff` (epoch ms), a batch at a time; returns how many. */
  async pruneBefore(cutoff: number): Promise<number> {
    let total = 0;
    for (;;) {
      // TypeORM answers DELETE with [rows, affected].
      const [, deleted]: [unknown[], number] = await this.infra.dataSource.query(
        `DELETE FROM api.dead_letters WHERE event_id IN (
           SELECT event_id FROM api.dead_letters WHERE received_at < $1 ORDER BY received_at LIMIT $2)`,
        [new Date(cutoff), PRUNE_BATCH],
      );
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
    }
  }
}

/**
 * jsonb cannot hold the NUL character, which a rejected record may well contain: it becomes U+FFFD, in
 * keys and strings alike, instead of failing the batch (and so the partition) for good.
 */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k) as string, withoutNul(v)]));
  return value;
}
