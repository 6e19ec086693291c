import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@airan/auth';
import type { SiteFault } from '@airan/contracts';
import { INFRA, type ServiceInfra } from '@airan/http';
import { RegistryCache } from '@airan/kafka';
import { Clock } from '@airan/system';
import { type VesFault, type VesParseResult, parseVesEvents, vesSiteClaims } from '@airan/telemetry-formats';
import { refuseForeignSites, siteAdmission } from '../access/site-access.policy';
import { type IngestConfig, timeBounds } from '../ingest.config';
import { IngestError, rethrowFormatError } from '../ingest.errors';
import { type PublishOutcome, PublishTelemetryUseCase } from '../publishing/publish-telemetry.use-case';

/** `POST /eventListener/v7` and `/eventListener/v7/eventBatch`: VES 7.x events. Faults travel with their site's report. */
@Injectable()
export class IngestVesUseCase {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>,
    private readonly registry: RegistryCache,
    private readonly publish: PublishTelemetryUseCase,
    private readonly clock: Clock,
  ) {}

  async execute(principal: Principal, body: unknown, batch: boolean): Promise<PublishOutcome> {
    const events = batch ? (body as { eventList?: unknown })?.eventList : undefined;
    const max = this.infra.config.INGEST_MAX_RECORDS;
    if (Array.isArray(events) && events.length > max) {
      const message = `a batch holds at most ${max} events (INGEST_MAX_RECORDS), got ${events.length}`;
      throw new IngestError('TOO_MANY_RECORDS', message, [{ path: '$.eventList', code: 'OUT_OF_RANGE', message }]);
    }
    // Ownership from the sites the events name, whatever else is wrong with them.
    refuseForeignSites(vesSiteClaims(body, batch), this.registry, principal);
    const now = this.clock.now();
    const parsed = rethrowFormatError(() => parseVesEvents(body, timeBounds(this.infra.config, now), { batch, admitSite: siteAdmission(this.registry, principal) }));
    this.reportUnmapped(principal, parsed);
    // An event of unmapped counters only still means its site reported.
    const reportingSites = parsed.unmapped.flatMap((u) => u.siteId ?? []);
    const outcome = await this.publish.execute(principal, 'ves', { ...parsed, reportingSites }, now, parsed.faults.map(siteFault));
    if (outcome.accepted === 0) throw new IngestError('ALL_RECORDS_REJECTED', 'no event was valid; each is in the dead-letter topic', outcome.errors);
    return outcome;
  }

  /**
   * VES answers 202 with an empty body, so a site is never told that counters it sends are not mapped
   * (ONAP's own example maps nothing): say it in the log, and the dead letters (reason UNMAPPED) carry
   * each event with the paths of what was passed over.
   */
  private reportUnmapped(principal: Principal, parsed: VesParseResult): void {
    if (parsed.unmapped.length === 0) return;
    this.infra.logger.info(
      { keyId: principal.keyId, events: parsed.unmapped.length, eventsMappingNothing: parsed.ignoredRecords, metrics: parsed.ignoredMetrics, sites: [...new Set(parsed.unmapped.map((u) => u.siteId))] },
      'VES content not mapped; dead-lettered as UNMAPPED',
    );
  }
}

/** A fault as the report carries it (`SiteFault`): the event's index in the request and the VES-only fields stay here. */
function siteFault({ siteId, sourceName, eventId, sequence, ts, startTs, alarmCondition, eventSeverity, specificProblem }: VesFault): SiteFault & { siteId: string } {
  return { siteId, sourceName, eventId, sequence, ts, startTs, alarmCondition, eventSeverity, specificProblem };
}
