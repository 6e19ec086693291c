import { Inject, Injectable } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import type { EntityManager } from 'typeorm';

export interface PartnerCredentialRecord {
  readonly id: string;
  readonly partnerId: string;
  readonly username: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
}

interface Row {
  id: string;
  partner_id: string;
  username: string;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
}

const recordOf = (r: Row): PartnerCredentialRecord => ({
  id: r.id,
  partnerId: r.partner_id,
  username: r.username,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
  revokedAt: r.revoked_at?.toISOString() ?? null,
  revokedBy: r.revoked_by,
});

/** Partner Kafka credentials as issued (`api.partner_credentials`): who and when, never the password. */
@Injectable()
export class PartnerCredentialRepository {
  constructor(@Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource'>) {}

  async insert(tx: EntityManager, credential: { id: string; partnerId: string; username: string; createdBy: string }): Promise<PartnerCredentialRecord> {
    const rows: Row[] = await tx.query(
      `INSERT INTO api.partner_credentials (id, partner_id, username, created_by) VALUES ($1, $2, $3, $4)
       RETURNING id, partner_id, username, created_at, created_by, revoked_at, revoked_by`,
      [credential.id, credential.partnerId, credential.username, credential.createdBy],
    );
    return recordOf(rows[0]);
  }

  /** One partner's credentials, revoked ones too, oldest first. */
  async list(partnerId: string): Promise<PartnerCredentialRecord[]> {
    const rows: Row[] = await this.infra.dataSource.query(
      'SELECT id, partner_id, username, created_at, created_by, revoked_at, revoked_by FROM api.partner_credentials WHERE partner_id = $1 ORDER BY created_at, id',
      [partnerId],
    );
    return rows.map(recordOf);
  }

  /** Marks a credential revoked; undefined when the partner has no such credential in force. */
  async revoke(tx: EntityManager, partnerId: string, id: string, revokedBy: string): Promise<PartnerCredentialRecord | undefined> {
    // TypeORM answers UPDATE … RETURNING with [rows, affected].
    const [rows]: [Row[], number] = await tx.query(
      `UPDATE api.partner_credentials SET revoked_at = now(), revoked_by = $3
       WHERE partner_id = $1 AND id = $2 AND revoked_at IS NULL
       RETURNING id, partner_id, username, created_at, created_by, revoked_at, revoked_by`,
      [partnerId, id, revokedBy],
    );
    return rows[0] ? recordOf(rows[0]) : undefined;
  }
}
