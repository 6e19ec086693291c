import { Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import type { FieldError } from '@airan/contracts';
import { Clock } from '@airan/system';
import type { z } from 'zod';
import { scopeOf } from '../history/data-scope';
import { isoFromMicros } from '../history/history.time';
import type { ingestHealthQuerySchema, SiteIngestHealth } from './ingest-health.openapi';
import { buildHealthQuery } from './ingest-health.query';
import { IngestHealthRepository, type StoredSiteHealth } from './ingest-health.repository';

export type IngestHealthQuery = z.output<typeof ingestHealthQuerySchema>;

export interface IngestHealth {
  /** [from, to): the last `window` minutes up to when the api answered. */
  readonly window: { readonly from: string; readonly to: string };
  readonly sites: SiteIngestHealth[];
}

const MINUTE_MS = 60_000;

/** `GET /v1/ingest/health`: every site in the caller's scope, with what ingest accepted and rejected of it lately. */
@Injectable()
export class GetIngestHealthUseCase {
  constructor(
    private readonly health: IngestHealthRepository,
    private readonly clock: Clock,
  ) {}

  async execute(principal: Principal, query: IngestHealthQuery): Promise<IngestHealth> {
    // The history routes' scope: ops and admin all (or `operator`), an operator key its own (another is 403).
    const scope = scopeOf(principal, query.operator);
    const to = this.clock.now();
    const from = to - query.window * MINUTE_MS;
    const rows = await this.health.sites(buildHealthQuery({ scope, pilot: query.pilot, site: query.site, from, to }));
    return { window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, sites: rows.map((row) => siteHealthOf(row, query.window)) };
  }
}

export function siteHealthOf(row: StoredSiteHealth, windowMinutes: number): SiteIngestHealth {
  const accepted = Number(row.accepted);
  const rejected = Number(row.rejected);
  return {
    siteId: row.siteId,
    operatorId: row.operatorId,
    pilotId: row.pilotId,
    lastSeenAt: row.lastSeenAt === null ? null : isoFromMicros(row.lastSeenAt),
    lastSampleTs: row.lastSampleTs === null ? null : isoFromMicros(row.lastSampleTs),
    accepted: { samples: accepted, perMinute: accepted / windowMinutes },
    rejected: { records: rejected, perMinute: rejected / windowMinutes },
    recentDeadLetters: row.recentDeadLetters.map((letter) => ({
      eventId: letter.eventId,
      receivedAt: isoFromMicros(letter.receivedAt),
      format: letter.format,
      reason: letter.reason,
      firstError: fieldErrorOf(letter.firstError),
    })),
  };
}

/** The first of a dead letter's errors as stored (jsonb), reduced to its documented fields; null when there is none. */
function fieldErrorOf(stored: unknown): FieldError | null {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return null;
  const { path, code, message } = stored as Record<string, unknown>;
  return { path: String(path ?? ''), code: String(code ?? ''), message: String(message ?? '') };
}
