import { Injectable } from '@nestjs/common';
import { REGISTRY_EVENT_ID_HEADER, REGISTRY_SCHEMA, type RegistryEvent, type RegistryType, type RegistryTypes, registryKey, stableEventId } from '@airan/contracts';
import { OutboxRepository } from '@airan/database';
import { injectTraceHeaders } from '@airan/observability';
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

/** The registry's rows in the api schema; every write also queues its `airan.registry.v1` event. */
@Injectable()
export class RegistryRepository {
  constructor(private readonly outbox: OutboxRepository) {}

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
    const version = await this.nextVersion(tx, type, entity.id);
    await tx.query(
      `INSERT INTO api.registry_entities (type, id, operator_id, site_id, body, version) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (type, id) DO UPDATE SET operator_id = EXCLUDED.operator_id, site_id = EXCLUDED.site_id, body = EXCLUDED.body,
         version = EXCLUDED.version, updated_at = now()`,
      [type, entity.id, placement.operatorId, placement.siteId, JSON.stringify(entity), version],
    );
    const event: RegistryEvent<T> = { schema: REGISTRY_SCHEMA, id: registryEventId(type, entity.id, version), type, version, entity };
    await this.outbox.add(tx, [{ eventId: event.id, topic, key: registryKey(type, entity.id), value: event, headers: eventHeaders(event.id) }]);
    return version;
  }

  /** Deletes an entity and queues its tombstone, which takes a version of its own. */
  async delete(tx: EntityManager, topic: string, type: RegistryType, id: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await tx.query('DELETE FROM api.registry_entities WHERE type = $1 AND id = $2 RETURNING id', [type, id]);
    if (rows.length === 0) return false;
    const eventId = registryEventId(type, id, await this.nextVersion(tx, type, id));
    await this.outbox.add(tx, [{ eventId, topic, key: registryKey(type, id), value: null, headers: eventHeaders(eventId) }]);
    return true;
  }

  /**
   * The next version of an entity, from a counter that outlives the entity's row: an entity deleted and
   * created again continues where it stopped, so its events never repeat an id the outbox already holds
   * (the outbox ignores an id it has seen, which would silently drop the re-creation). The counter row
   * is locked until the transaction ends, so concurrent writes of one entity get distinct versions.
   */
  private async nextVersion(tx: EntityManager, type: RegistryType, id: string): Promise<number> {
    const rows: Array<{ version: number }> = await tx.query(
      `INSERT INTO api.registry_versions (type, id, version) VALUES ($1, $2, 1)
       ON CONFLICT (type, id) DO UPDATE SET version = registry_versions.version + 1
       RETURNING version`,
      [type, id],
    );
    return rows[0].version;
  }
}

/** Every event of an entity, tombstones included, has a version of its own: (type, id, version) names it. */
const registryEventId = (type: RegistryType, id: string, version: number) => stableEventId('registry', type, id, version);

/**
 * The event's id and the writing request's trace context: the relay sends later, outside the request,
 * so the outbox row keeps the trace as every other topic's events do (none at start-up, the seed).
 */
function eventHeaders(eventId: string): Record<string, string> {
  return { ...injectTraceHeaders(), [REGISTRY_EVENT_ID_HEADER]: eventId };
}
