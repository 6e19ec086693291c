import type { DataSource } from 'typeorm';
import { generateApiKey, hashApiKey, type Principal, type Role } from './api-key';

/** Stored API keys of one service schema. */
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
  async create(role: Role, subject: string, name: string): Promise<{ id: string; key: string }> {
    const generated = generateApiKey();
    await this.dataSource.query(`INSERT INTO "${this.schema}".api_keys (id, key_hash, role, subject, name) VALUES ($1, $2, $3, $4, $5)`, [
      generated.id,
      generated.hash,
      role,
      subject,
      name,
    ]);
    return { id: generated.id, key: generated.key };
  }

  async revoke(id: string): Promise<boolean> {
    const result: [unknown[], number] = await this.dataSource.query(
      `UPDATE "${this.schema}".api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`,
      [id],
    );
    return result[1] > 0;
  }
}
