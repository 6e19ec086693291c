import { Injectable } from '@nestjs/common';
import { DEAD_LETTER_UNMAPPED, type FieldError, type SiteFault, TELEMETRY_DLQ_SCHEMA, TELEMETRY_SCHEMA, type TelemetryDeadLetter, type TelemetryReport } from '@airan/contracts';
import type { Principal } from '@airan/auth';
import { counter } from '@airan/observability';
import { IdGenerator } from '@airan/system';
import { type FormatParseResult, ID_PATTERN, type RejectedRecord } from '@airan/telemetry-formats';
import { SiteLivenessRepository } from '../liveness/site-liveness.repository';
import { TelemetryPublisher } from './telemetry.publisher';

export type TelemetryFormat = TelemetryDeadLetter['format'];

export interface PublishOutcome {
  readonly accepted: number;
  readonly rejected: number;
  readonly errors: ReadonlyArray<FieldError & { index: number }>;
  /** Distinct metric names passed over as unknown; their records count as accepted. */
  readonly ignoredMetrics: readonly string[];
  readonly ignoredRecords: number;
}

/** A format's parse result, plus the sites the request itself names (Prometheus' `?site=`). */
interface TelemetryInput extends FormatParseResult {
  /**
   * Sites that reported even when no accepted record carried anything to map (only unknown metric
   * names): their last-seen time moves too, since liveness means the site reported.
   */
  readonly reportingSites?: readonly string[];
}

const records = counter('airan_ingest_records_total', 'Records received, by format and outcome', ['format', 'outcome']);
const ignoredRecords = counter('airan_ingest_ignored_records_total', 'Accepted records that carried nothing to map (unknown metric names, OTLP points without a value, VES events of unmapped counters only), by format', ['format']);

/**
 * What every format ends with: accepted samples become one `airan.telemetry.v1` report per site (in
 * as many messages as the topic's size limit needs, see TelemetryPublisher), every rejected record a
 * dead letter with its raw input, and so does every accepted record with unmapped content (reason
 * UNMAPPED); all are acknowledged by Kafka before the caller answers, then the liveness of every site
 * that reported moves forward.
 */
@Injectable()
export class PublishTelemetryUseCase {
  constructor(
    private readonly publisher: TelemetryPublisher,
    private readonly liveness: SiteLivenessRepository,
    private readonly ids: IdGenerator,
  ) {}

  async execute(principal: Principal, format: TelemetryFormat, parsed: TelemetryInput, receivedAt: number, faults: ReadonlyArray<SiteFault & { siteId: string }> = []): Promise<PublishOutcome> {
    const sites = new Map(parsed.sites.map((s) => [s.siteId, s]));
    const faultsBySite = new Map<string, SiteFault[]>();
    for (const { siteId, ...fault } of faults) faultsBySite.set(siteId, [...(faultsBySite.get(siteId) ?? []), fault]);
    const siteIds = [...new Set([...sites.keys(), ...faultsBySite.keys()])];
    const reports: TelemetryReport[] = siteIds.map((siteId) => {
      const site = sites.get(siteId);
      const siteFaults = faultsBySite.get(siteId);
      return {
        schema: TELEMETRY_SCHEMA,
        id: this.ids.uuid(),
        operatorId: principal.subject,
        siteId,
        keyId: principal.keyId,
        receivedAt,
        cells: site?.cells ?? [],
        gpus: site?.gpus ?? [],
        heartbeats: site?.heartbeats ?? [],
        ...(siteFaults ? { faults: siteFaults } : {}),
      };
    });
    const deadLetter = (r: RejectedRecord, reason: string): TelemetryDeadLetter => ({
      schema: TELEMETRY_DLQ_SCHEMA,
      id: this.ids.uuid(),
      reason,
      errors: r.errors,
      format,
      keyId: principal.keyId,
      operatorId: principal.subject,
      // Only a valid site id names a site (and keys the message); an empty or malformed one is in `raw`.
      siteId: r.siteId !== null && ID_PATTERN.test(r.siteId) ? r.siteId : null,
      receivedAt,
      raw: r.raw,
    });
    const deadLetters = [...parsed.rejected.map((r) => deadLetter(r, r.errors[0].code)), ...(parsed.unmapped ?? []).map((r) => deadLetter(r, DEAD_LETTER_UNMAPPED))];

    await this.publisher.publish(reports, deadLetters, parsed.accepted + parsed.rejected.length);
    const reporting = [...new Set([...siteIds, ...(parsed.reportingSites ?? [])])];
    await this.liveness.touch(principal.subject, principal.keyId, reporting, new Date(receivedAt));
    records.inc({ format, outcome: 'accepted' }, parsed.accepted);
    records.inc({ format, outcome: 'rejected' }, parsed.rejected.length);
    ignoredRecords.inc({ format }, parsed.ignoredRecords ?? 0);
    return {
      accepted: parsed.accepted,
      rejected: parsed.rejected.length,
      errors: parsed.rejected.flatMap((r) => r.errors.map((e) => ({ index: r.index, ...e }))),
      ignoredMetrics: parsed.ignoredMetrics ?? [],
      ignoredRecords: parsed.ignoredRecords ?? 0,
    };
  }
}
