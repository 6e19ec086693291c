import { z } from 'zod';
import { envelopeShape, isoInstant } from './event';

export const ALERT_SCHEMA = 'airan.alert/1';

/** The alert's state: Prometheus' pending/firing plus resolved, and Grafana's no-data (its source went silent). */
export const ALERT_STATUSES = ['pending', 'firing', 'resolved', 'nodata'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/**
 * What an event announces: a state change, a human (or escalation) acting on the alert, or the end of
 * the silence or inhibition that kept receivers from hearing that it fires (`unmuted`).
 */
export const ALERT_CHANGE_KINDS = ['state', 'acknowledged', 'unacknowledged', 'assigned', 'escalated', 'unmuted'] as const;
export type AlertChangeKind = (typeof ALERT_CHANGE_KINDS)[number];

/** An Alertmanager-compatible fingerprint: 16 lower-case hex digits (64-bit FNV-1a of the sorted label set). */
export const alertFingerprintSchema = z.string().regex(/^[0-9a-f]{16}$/, '16 lower-case hex digits');

export const acknowledgementSchema = z.object({ by: z.string(), at: isoInstant, comment: z.string() }).strict().readonly();
export type Acknowledgement = z.infer<typeof acknowledgementSchema>;

const stringMap = z.record(z.string()).readonly();

/** An alert state change: the value of `airan.alerts.v1`, keyed by fingerprint. */
export const alertEventSchema = z
  .object({
    ...envelopeShape(ALERT_SCHEMA),
    fingerprint: alertFingerprintSchema,
    ruleId: z.string(),
    status: z.enum(ALERT_STATUSES),
    change: z.enum(ALERT_CHANGE_KINDS),
    labels: stringMap,
    annotations: stringMap,
    value: z.number().nullable(),
    startsAt: isoInstant,
    endsAt: isoInstant.nullable(),
    evaluatedAt: isoInstant.describe('event time of the evidence that caused this change'),
    acknowledgement: acknowledgementSchema.nullable(),
    assignee: z.string().nullable(),
    escalatedAt: isoInstant.nullable(),
    silencedBy: z.array(z.string()).readonly().describe("ids of the silences that muted this change's notifications (it still moves through its states)"),
    inhibitedBy: alertFingerprintSchema.nullable().describe('fingerprint of the firing alert that inhibits this one (a silent site mutes its cells)'),
    flapping: z.boolean(),
    trace: z
      .object({ traceparent: z.string().nullable(), sourceTraceIds: z.array(z.string()).readonly() })
      .strict()
      .readonly()
      .describe('trace context: the alerting span and the ingest requests behind it'),
  })
  .strict()
  .readonly();
export type AlertEvent = z.infer<typeof alertEventSchema>;
