import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import { INFRA, type ServiceInfra, zodIssuePaths } from '@airan/http';
import { RegistryCache } from '@airan/kafka';
import { Clock } from '@airan/system';
import { ID_PATTERN, ID_RULE, parsePrometheusText } from '@airan/telemetry-formats';
import { z } from 'zod';
import { siteAdmission } from '../access/site-access.policy';
import { type IngestConfig, timeBounds } from '../ingest.config';
import { IngestError, rethrowFormatError } from '../ingest.errors';
import { type PublishOutcome, PublishTelemetryUseCase } from '../publishing/publish-telemetry.use-case';

const context = z
  .object({
    site: z.string().regex(ID_PATTERN, `site ${ID_RULE}`),
    /** The exporter's collection interval (DCGM's default is 30 s). */
    intervalMs: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  })
  .strict();

/** `POST /v1/prometheus?site=<siteId>`: a site pushes what its DCGM exporter serves (Prometheus text 0.0.4). */
@Injectable()
export class IngestPrometheusUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>,
    private readonly registry: RegistryCache,
    private readonly publish: PublishTelemetryUseCase,
    private readonly clock: Clock,
  ) {}

  async execute(principal: Principal, query: Record<string, string>, text: string): Promise<PublishOutcome> {
    const parsedQuery = context.safeParse(query);
    if (!parsedQuery.success) {
      throw new IngestError('INVALID_FORMAT', 'query must name the site: ?site=<siteId>[&intervalMs=<ms>]', zodIssuePaths(parsedQuery.error.issues, 'query'));
    }
    const { site, intervalMs } = parsedQuery.data;
    // The whole exposition belongs to one site, so access is decided once for the request.
    const refusal = siteAdmission(this.registry, principal)(site, 'query.site');
    // Another operator's site: refused whole and nothing written, as for a native batch of sites the key does not own.
    if (refusal?.code === 'SITE_NOT_OWNED') throw new IngestError('SITE_NOT_OWNED', refusal.message, [refusal]);
    const now = this.clock.now();
    // A site not in the registry: every line is rejected with the refusal, so each goes to the dead-letter topic as native records naming one do.
    const parsed = rethrowFormatError(() => parsePrometheusText(text, timeBounds(this.infra.config, now), { siteId: site, scrapeTs: now, intervalMs, refusal }));
    const records = parsed.accepted + parsed.rejected.length;
    if (records > this.infra.config.INGEST_MAX_RECORDS) {
      throw new IngestError('TOO_MANY_RECORDS', `an exposition holds at most ${this.infra.config.INGEST_MAX_RECORDS} samples (INGEST_MAX_RECORDS), got ${records}`);
    }
    if (refusal) {
      const refused = await this.publish.execute(principal, 'prometheus', parsed, now);
      throw new IngestError('UNKNOWN_SITE', `${refusal.message}; each line is in the dead-letter topic`, refused.errors);
    }
    const outcome = await this.publish.execute(principal, 'prometheus', { ...parsed, reportingSites: parsed.accepted > 0 ? [site] : [] }, now);
    if (outcome.accepted === 0 && outcome.rejected > 0) throw new IngestError('ALL_RECORDS_REJECTED', 'no sample line was valid; each is in the dead-letter topic', outcome.errors);
    return outcome;
  }
}

