import { Inject, Injectable } from '@nestjs/common';
import type { Grant } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';

export interface StoredGrant {
  readonly grant: Grant;
  readonly version: number;
  readonly updatedAt: string;
}

/** Grants as the registry stores them (`api.registry_entities`, type `grant`), read by partner. */
@Injectable()
export class GrantRepository {
  constructor(@Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource'>) {}

  /** Every grant, or one partner's, ordered by id. */
  async list(partnerId: string | undefined): Promise<StoredGrant[]> {
    const rows: Array<{ body: Grant; version: number; updated_at: Date }> = await this.infra.dataSource.query(
      `SELECT body, version, updated_at FROM api.registry_entities
       WHERE type = 'grant' AND ($1::text IS NULL OR body->>'partnerId' = $1) ORDER BY id`,
      [partnerId ?? null],
    );
    return rows.map((r) => ({ grant: r.body, version: r.version, updatedAt: r.updated_at.toISOString() }));
  }
}
