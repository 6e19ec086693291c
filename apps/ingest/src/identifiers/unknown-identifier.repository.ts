import { Inject, Injectable } from '@nestjs/common';
import { INFRA, type ServiceInfra } from '@airan/http';
import { byCodeUnits } from '@airan/system';
import type { IdentifierKind, UnknownIdentifier } from '../access/identifier.resolver';

export interface UnknownIdentifierRow {
  readonly kind: IdentifierKind;
  readonly identifier: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Requests that reported it. */
  readonly count: number;
}

/** `ingest.unknown_identifiers`: names sites reported that the registry does not know, per site. */
@Injectable()
export class UnknownIdentifierRepository {
  constructor(@Inject(INFRA) private readonly infra: Pick<ServiceInfra, 'dataSource'>) {}

  /**
   * Counts each (distinct) identifier once more, seen at `seenAt`. Rows are written in key order, so
   * concurrent requests naming the same identifiers wait for each other instead of deadlocking.
   */
  async record(unordered: readonly UnknownIdentifier[], seenAt: Date): Promise<void> {
    if (unordered.length === 0) return;
    const identifiers = [...unordered].sort((x, y) => byCodeUnits(x.siteId, y.siteId) || byCodeUnits(x.kind, y.kind) || byCodeUnits(x.identifier, y.identifier));
    await this.infra.dataSource.query(
      `INSERT INTO ingest.unknown_identifiers (site_id, kind, identifier, first_seen, last_seen, count)
       SELECT s, k, i, $4, $4, 1 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(s, k, i)
       ON CONFLICT (site_id, kind, identifier) DO UPDATE SET
         first_seen = LEAST(unknown_identifiers.first_seen, EXCLUDED.first_seen),
         last_seen = GREATEST(unknown_identifiers.last_seen, EXCLUDED.last_seen),
         count = unknown_identifiers.count + 1`,
      [identifiers.map((u) => u.siteId), identifiers.map((u) => u.kind), identifiers.map((u) => u.identifier), seenAt],
    );
  }

  /** Forgets the names no site reported since `before`; returns how many. */
  async pruneUnseenSince(before: Date): Promise<number> {
    // TypeORM answers DELETE with [rows, affected].
    const [, deleted]: [unknown[], number] = await this.infra.dataSource.query('DELETE FROM ingest.unknown_identifiers WHERE last_seen < $1', [before]);
    return deleted;
  }

  async listForSite(siteId: string, limit: number): Promise<UnknownIdentifierRow[]> {
    const rows: Array<{ kind: IdentifierKind; identifier: string; first_seen: Date; last_seen: Date; count: string }> = await this.infra.dataSource.query(
      `SELECT kind, identifier, first_seen, last_seen, count FROM ingest.unknown_identifiers
       WHERE site_id = $1 ORDER BY last_seen DESC, kind, identifier LIMIT $2`,
      [siteId, limit],
    );
    return rows.map((r) => ({ kind: r.kind, identifier: r.identifier, firstSeen: r.first_seen.toISOString(), lastSeen: r.last_seen.toISOString(), count: Number(r.count) }));
  }
}
