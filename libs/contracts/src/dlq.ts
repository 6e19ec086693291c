import { z } from 'zod';
import { envelopeShape, epochMs } from './event';

export const TELEMETRY_DLQ_SCHEMA = 'airan.telemetry.dlq/1';

/**
 * The reason of a dead letter that is not a rejection: content of an accepted VES event that airan does
 * not map (unknown counters, measurement blocks it does not read), which VES has no response body to
 * report. Every other reason is the code of the record's first error (docs/telemetry-mapping.md).
 */
export const DEAD_LETTER_UNMAPPED = 'UNMAPPED';

export const fieldErrorSchema = z
  .object({
    path: z.string().describe('JSON path of the offending field, e.g. `$.records[3].prbDlPct`'),
    code: z.string(),
    message: z.string(),
  })
  .strict()
  .readonly();
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** A rejected input record on `airan.telemetry.dlq.v1`: nothing is silently lost. */
export const telemetryDeadLetterSchema = z
  .object({
    ...envelopeShape(TELEMETRY_DLQ_SCHEMA),
    reason: z.string().describe("the code of the first error, or `UNMAPPED` (content of an accepted VES event airan does not map)"),
    errors: z.array(fieldErrorSchema).readonly(),
    format: z.enum(['native', 'ves', 'otlp', 'prometheus']),
    keyId: z.string(),
    operatorId: z.string(),
    siteId: z.string().nullable().describe('the site the record names, when it names a valid site id; else null (and the message key is `unknown`)'),
    receivedAt: epochMs,
    raw: z
      .unknown()
      .describe("the record exactly as received (an OTLP protobuf point in its OTLP/JSON form); when the record alone would pass the topic's message limit, the beginning of its text (see `rawTruncated`)"),
    rawTruncated: z
      .object({ bytes: z.number().int().positive() })
      .strict()
      .readonly()
      .optional()
      .describe("present when `raw` was cut to fit one Kafka message: the size in bytes of the record's full text"),
  })
  .strict()
  .readonly();
export type TelemetryDeadLetter = z.infer<typeof telemetryDeadLetterSchema>;
