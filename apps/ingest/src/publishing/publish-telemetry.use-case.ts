import { Injectable } from '@nestjs/common';
import { DEAD_LETTER_UNMAPPED, type FieldError, type SiteFault, TELEMETRY_DLQ_SCHEMA, TELEMETRY_SCHEMA, type TelemetryDeadLetter, type TelemetryReport } from '@airan/contracts';
import type { Principal } from '@airan/auth';
import { counter } from '@airan/observability';
import { IdGenerator } from '@airan/system';
import { type FormatParseResult, ID_PATTERN, type RejectedRecord } from '@airan/telemetry-formats';
import { IdentifierDirectory } from '../access/identifier.directory';
import { resolveIdentifiers, type UnresolvedCellSample } from '../access/identifier.resolver';
import { UnknownIdentifierRepository } from '../identifiers/unknown-identifier.repository';
import { SiteLivenessRepository } from '../liveness/site-liveness.repository';
import { BookkeepingQueue } from './bookkeeping.queue';
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
  /**
   * The record a cell sample came from, where a format maps one record to one sample (native): lets a
   * sample rejected after parsing (UNKNOWN_CELL) be reported with its record's index and raw input.
   */
  readonly locateCell?: (siteId: string, cellId: string, ts: number) => { index: number; raw: unknown } | undefined;
}

const records = counter('airan_ingest_records_total', 'Records received, by format and outcome', ['format', 'outcome']);
const unknownIdentifiers = counter('airan_ingest_unknown_identifiers_total', 'Distinct cell and GPU node names per request and site that resolve to no registry entity (accepted as reported), by kind', ['kind']);
const ignoredRecords = counter('airan_ingest_ignored_records_total', 'Accepted records that carried nothing to map (unknown metric names, OTLP points without a value, VES events of unmapped counters only), by format', ['format']);

/**
 * What every format ends with: accepted samples become one `airan.telemetry.v1` report per site (in
 * as many messages as the topic's size limit needs, see TelemetryPublisher), every rejected record a
 * dead letter with its raw input, and so does every accepted record with unmapped content (reason
 * UNMAPPED); all are acknowledged by Kafka before the caller answers, then the liveness of every site
 * that reported moves forward (retried in the background when Postgres cannot take it just then).
 */
@Injectable()
export class PublishTelemetryUseCase {
  constructor(
    private readonly publisher: TelemetryPublisher,
    private readonly liveness: SiteLivenessRepository,
    private readonly ids: IdGenerator,
    private readonly identifiers: IdentifierDirectory,
    private readonly unknown: UnknownIdentifierRepository,
    private readonly bookkeeping: BookkeepingQueue,
  ) {}

  async execute(principal: Principal, format: TelemetryFormat, input: TelemetryInput, receivedAt: number, faults: ReadonlyArray<SiteFault & { siteId: string }> = []): Promise<PublishOutcome> {
    // Operators' own names (NCI, DN, node aliases) become airan ids here, once, whatever the format.
    const resolution = resolveIdentifiers(input.sites, (siteId) => this.identifiers.of(siteId));
    const parsed = withUnresolvedRejected(input, resolution.sites, resolution.unresolved);
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

    await this.publisher.publish(principal.subject, reports, deadLetters, parsed.accepted + parsed.rejected.length);
    const reporting = [...new Set([...siteIds, ...input.sites.map((s) => s.siteId), ...(parsed.reportingSites ?? [])])];
    // Kafka holds the data: from here on nothing may turn the answer into an error (BookkeepingQueue).
    await this.bookkeeping.write('site liveness', () => this.liveness.touch(principal.subject, principal.keyId, reporting, new Date(receivedAt)));
    await this.bookkeeping.write('unknown identifiers', () => this.unknown.record(resolution.unknown, new Date(receivedAt)));
    for (const u of resolution.unknown) unknownIdentifiers.inc({ kind: u.kind });
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

/**
 * The parse result with the resolved batches, and every cell sample named by a DN no cell carries
 * rejected (UNKNOWN_CELL): with its record where the format can say (native), else as the sample itself.
 */
function withUnresolvedRejected(input: TelemetryInput, sites: TelemetryInput['sites'], unresolved: readonly UnresolvedCellSample[]): TelemetryInput {
  const rejected: RejectedRecord[] = unresolved.map(({ siteId, sample }) => {
    const located = input.locateCell?.(siteId, sample.cellId, sample.ts);
    const message = `no cell of site "${siteId}" has the distinguished name "${sample.cellId}"; register it as the cell's distinguishedName`;
    return {
      index: located?.index ?? -1,
      siteId,
      raw: located?.raw ?? { siteId, ...sample },
      errors: [{ path: located ? `$.records[${located.index}].cellId` : '$.cellId', code: 'UNKNOWN_CELL', message }],
    };
  });
  if (rejected.length === 0) return { ...input, sites };
  return { ...input, sites, accepted: Math.max(0, input.accepted - rejected.length), rejected: [...input.rejected, ...rejected].sort((a, b) => a.index - b.index) };
}
