import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import { INFRA, type ServiceInfra } from '@airan/http';
import { RegistryCache } from '@airan/kafka';
import { Clock } from '@airan/system';
import { decodeOtlpMetricsProtobuf, parseOtlpMetrics } from '@airan/telemetry-formats';
import { refuseForeignSites, siteAdmission } from '../access/site-access.policy';
import { otlpSiteClaims } from '../access/site.claims';
import { type IngestConfig, timeBounds } from '../ingest.config';
import { IngestError, rethrowFormatError } from '../ingest.errors';
import { type PublishOutcome, PublishTelemetryUseCase } from '../publishing/publish-telemetry.use-case';

/**
 * `POST /v1/metrics`: OTLP/HTTP metrics (gauges and delta sums), one record per data point. Protobuf is
 * decoded into the OTLP/JSON shape first, so both encodings share the parser, its paths and its errors.
 */
@Injectable()
export class IngestOtlpUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>,
    private readonly registry: RegistryCache,
    private readonly publish: PublishTelemetryUseCase,
    private readonly clock: Clock,
  ) {}

  /** `body`: parsed JSON, or the protobuf bytes (a Buffer, as the binary content-type parser hands them over). */
  async execute(principal: Principal, body: unknown): Promise<PublishOutcome> {
    const now = this.clock.now();
    const request = Buffer.isBuffer(body) ? rethrowFormatError(() => decodeOtlpMetricsProtobuf(body)) : body;
    // Ownership from the resources' sites, not from which points happened to be valid: the same request always gets the same answer.
    refuseForeignSites(otlpSiteClaims(request), this.registry, principal);
    const parsed = rethrowFormatError(() => parseOtlpMetrics(request, timeBounds(this.infra.config, now), { admitSite: siteAdmission(this.registry, principal) }));
    const records = parsed.accepted + parsed.rejected.length;
    if (records > this.infra.config.INGEST_MAX_RECORDS) {
      throw new IngestError('TOO_MANY_RECORDS', `a request holds at most ${this.infra.config.INGEST_MAX_RECORDS} data points (INGEST_MAX_RECORDS), got ${records}`);
    }
    const outcome = await this.publish.execute(principal, 'otlp', parsed, now);
    if (outcome.accepted === 0 && outcome.rejected > 0) throw new IngestError('ALL_RECORDS_REJECTED', 'no data point was valid; each is in the dead-letter topic', outcome.errors);
    return outcome;
  }
}
