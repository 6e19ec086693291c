import { REGISTRY_SCHEMA, type RegistryEvent, type RegistryType, type RegistryTypes, registryKey, stableEventId } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import type { EntityManager } from 'typeorm';

/** Anything that runs SQL: the data source, or a transaction's entity manager. */
export type Queryable = Pick<EntityManager, 'query'>;

export interface StoredEntity<T extends RegistryType = RegistryType> {
  readonly type: T;
  readonly entity: RegistryTypes[T];
  readonly version: number;
  readonly updatedAt: string;
}

export interface ListFilter {
  readonly operatorId?: string;
  readonly siteId?: string;
  /** Ids strictly after this one (keyset pagination). */
  readonly after?: string;
  readonly limit: number;
}

/** Which columns locate an entity in its operator and site, for filtering and scoping. */
export interface Placement {
  readonly operatorId: string | null;
  readonly siteId: string | null;
}

const outbox = new OutboxRepository('api');

/** The registry's rows in the api schema; every write also queues its `airan.registry.v1` event. */
export class RegistryRepository {
  async get<T extends RegistryType>(db: Queryable, type: T, id: string, lock = false): Promise<StoredEntity<T> | undefined> {
    const rows: Array<{ body: RegistryTypes[T]; version: number; updated_at: Date }> = await db.query(
      `SELECT body, version, updated_at FROM api.registry_entities WHERE type = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
      [type, id],
    );
    return rows[0] && { type, entity: rows[0].body, version: rows[0].version, updatedAt: rows[0].updated_at.toISOString() };
  }

  async list<T extends RegistryType>(db: Queryable, type: T, filter: ListFilter): Promise<Array<StoredEntity<T>>> {
    const rows: Array<{ body: RegistryTypes[T]; version: number; updated_at: Date }> = await db.query(
      `SELECT body, version, updated_at FROM api.registry_entities
       WHERE type = $1 AND ($2::text IS NULL OR operator_id = $2) AND ($3::text IS NULL OR site_id = $3) AND ($4::text IS NULL OR id > $4)
       ORDER BY id LIMIT $5`,
      [type, filter.operatorId ?? null, filter.siteId ?? null, filter.after ?? null, filter.limit],
    );
    return rows.map((r) => ({ type, entity: r.body, version: r.version, updatedAt: r.updated_at.toISOString() }));
  }

  /** Entities of `type` whose body field `field` equals (or, for arrays, contains) `id`. */
  async countReferences(db: Queryable, type: RegistryType, field: string, id: string): Promise<number> {
    const rows: Array<{ n: number }> = await db.query(
      `SELECT count(*)::int AS n FROM api.registry_entities
       WHERE type = $1 AND (body->>$2 = $3 OR (jsonb_typeof(body->$2) = 'array' AND body->$2 ? $3))`,
      [type, field, id],
    );
    return rows[0].n;
  }

  /** Inserts or replaces an entity, bumps its version and queues the event; returns the new version. */
  async save<T extends RegistryType>(tx: EntityManager, topic: string, type: T, entity: RegistryTypes[T] & { id: string }, placement: Placement): Promise<number> {
    const rows: Array<{ version: number }> = await tx.query(
      `INSERT INTO api.registry_entities (type, id, operator_id, site_id, body, version) VALUES ($1, $2, $3, $4, $5, 1)
       ON CONFLICT (type, id) DO UPDATE SET operator_id = EXCLUDED.operator_id, site_id = EXCLUDED.site_id, body = EXCLUDED.body,
         version = registry_entities.version + 1, updated_at = now()
       RETURNING version`,
      [type, entity.id, placement.operatorId, placement.siteId, JSON.stringify(entity)],
    );
    const version = rows[0].version;
    const event: RegistryEvent<T> = { schema: REGISTRY_SCHEMA, id: stableEventId('registry', type, entity.id, version), type, version, entity };
    await outbox.add(tx, [{ eventId: event.id, topic, key: registryKey(type, entity.id), value: event, headers: {} }]);
    return version;
  }

  /** Deletes an entity and queues its tombstone. */
  async delete(tx: EntityManager, topic: string, type: RegistryType, id: string): Promise<boolean> {
    const [rows]: [Array<{ version: number }>, number] = await tx.query('DELETE FROM api.registry_entities WHERE type = $1 AND id = $2 RETURNING version', [type, id]);
    if (rows.length === 0) return false;
    await outbox.add(tx, [{ eventId: stableEventId('registry-delete', type, id, rows[0].version), topic, key: registryKey(type, id), value: null, headers: {} }]);
    return true;
  }
}
