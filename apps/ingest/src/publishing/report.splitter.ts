import { type SiteFault, stableEventId, type TelemetryReport } from '@airan/contracts';

/** The arrays of a report whose items can go to different parts, in the order the parts take them. */
const ITEM_FIELDS = ['cells', 'gpus', 'heartbeats', 'faults'] as const;
type ItemField = (typeof ITEM_FIELDS)[number];

/** One item of a report that does not fit in a message even alone (only a fault's free text can be that long). */
export class ReportItemTooLargeError extends Error {
  constructor(
    readonly field: ItemField,
    readonly bytes: number,
    readonly maxValueBytes: number,
  ) {
    super(`one ${field.replace(/s$/, '')} entry of the report takes ${bytes} bytes; a message holds at most ${maxValueBytes}`);
    this.name = 'ReportItemTooLargeError';
  }
}

const bytesOf = (json: string) => Buffer.byteLength(json);

/**
 * A site's report as one or more JSON values of at most `maxValueBytes` each, to be sent in order
 * under the site's key. A report that fits stays whole, id unchanged. A larger one is cut between
 * items (samples, heartbeats, faults): every item lands in exactly one part, in its order, so sample
 * identity downstream sees each sample once, and every part repeats the envelope (operator, site, key,
 * receivedAt) so it stands alone for its consumers. Part i's id is derived from the report's id and i:
 * distinct per part, and the same for the same report and limit.
 */
export function splitReport(report: TelemetryReport, maxValueBytes: number): string[] {
  const whole = JSON.stringify(report);
  if (bytesOf(whole) <= maxValueBytes) return [whole];

  // The envelope every part repeats: a part id is as long as any UUID, and `faults: []` is counted even when absent.
  const envelope = bytesOf(JSON.stringify({ ...report, id: report.id, cells: [], gpus: [], heartbeats: [], faults: [] }));
  const parts: Array<Record<ItemField, unknown[]>> = [];
  let part = emptyPart();
  let used = envelope;
  for (const field of ITEM_FIELDS) {
    for (const item of (report[field] ?? []) as unknown[]) {
      // +1: the comma before it (counted for the first item too: an upper bound).
      const bytes = bytesOf(JSON.stringify(item)) + 1;
      if (envelope + bytes > maxValueBytes) throw new ReportItemTooLargeError(field, bytes - 1, maxValueBytes - envelope);
      if (used + bytes > maxValueBytes) {
        parts.push(part);
        part = emptyPart();
        used = envelope;
      }
      part[field].push(item);
      used += bytes;
    }
  }
  parts.push(part);
  return parts.map((p, index) => {
    const { faults, ...samples } = p;
    const value: TelemetryReport = {
      ...report,
      id: reportPartId(report.id, index),
      ...(samples as Pick<TelemetryReport, 'cells' | 'gpus' | 'heartbeats'>),
      faults: faults as SiteFault[],
    };
    if (faults.length === 0) delete (value as { faults?: unknown }).faults;
    return JSON.stringify(value);
  });
}

/** The id of part `index` of a report that had to be split: deterministic, and distinct from every other part's. */
export function reportPartId(reportId: string, index: number): string {
  return stableEventId('telemetry-report-part', reportId, index);
}

function emptyPart(): Record<ItemField, unknown[]> {
  return { cells: [], gpus: [], heartbeats: [], faults: [] };
}
