import { Inject, Injectable } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import { byCodeUnits } from '@airan/system';

@Injectable()
export class SiteLivenessRepository {
  constructor(@Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource'>) {}

  /**
   * Marks the sites as seen at `seenAt`, by the given key; a write older than the row's changes nothing (writes may be retried late).
   * Rows are written in site order, so concurrent requests naming the same sites wait for each other instead of deadlocking.
   */
  async touch(operatorId: string, keyId: string, siteIds: readonly string[], seenAt: Date): Promise<void> {
    if (siteIds.length === 0) return;
    await this.infra.dataSource.query(
      `INSERT INTO ingest.site_liveness (site_id, operator_id, last_seen_at, last_key_id)
       SELECT unnest($1::text[]), $2, $3, $4
       ON CONFLICT (site_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, operator_id = EXCLUDED.operator_id, last_key_id = EXCLUDED.last_key_id
       WHERE EXCLUDED.last_seen_at >= site_liveness.last_seen_at`,
      [[...siteIds].sort(byCodeUnits), operatorId, seenAt, keyId],
    );
  }
}
