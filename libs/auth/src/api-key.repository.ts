import type { DataSource, EntityManager } from 'typeorm';
import { generateApiKey, hashApiKey, type Principal, type Role } from './api-key';

type Queryable = Pick<EntityManager, 'query'>;

/** Stored API keys of one service schema. Writes take an optional transaction to join. */
export class ApiKeyRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schema: string,
  ) {}

  async findActive(key: string): Promise<Principal | undefined> {
    const rows: Array<{ id: string; role: Role; subject: string }> = await this.dataSource.query(
      `SELECT id, role, subject FROM "${this.schema}".api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hashApiKey(key)],
    );
    return rows[0] && { keyId: rows[0].id, role: rows[0].role, subject: rows[0].subject };
  }

  /** Creates a key and returns it: the only time the secret exists outside its holder. */
  async create(role: Role, subject: string, name: string, db: Queryable = this.dataSource): Promise<{ id: string; key: string; hash: Buffer }> {
    const generated = generateApiKey();
    await db.query(`INSERT INTO "${this.schema}".api_keys (id, key_hash, role, subject, name) VALUES ($1, $2, $3, $4, $5)`, [
      generated.id,
      generated.hash,
      role,
      subject,
      name,
    ]);
    return { id: generated.id, key: generated.key, hash: generated.hash };
  }

  /** Revokes an active key; returns what it was, or undefined when there is no such active key. */
  async revoke(id: string, db: Queryable = this.dataSource): Promise<{ role: Role; subject: string; hash: Buffer } | undefined> {
    // TypeORM answers UPDATE … RETURNING with [rows, affected].
    const [rows]: [Array<{ role: Role; subject: string; key_hash: Buffer }>, number] = await db.query(
      `UPDATE "${this.schema}".api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING role, subject, key_hash`,
      [id],
    );
    return rows[0] && { role: rows[0].role, subject: rows[0].subject, hash: rows[0].key_hash };
  }
}
