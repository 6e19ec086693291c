import { z } from 'zod';
import { alertEventSchema } from './alerts';
import { cellLoadWindowSchema } from './cell-load';
import { rollupWindowSchema } from './rollups';
import { telemetryDeadLetterSchema } from './dlq';
import { REGISTRY_EVENT_ID_HEADER, registryEventSchema } from './registry';
import { telemetryReportSchema } from './telemetry';
import type { TopicKey } from './topics';

/** A W3C trace context header (`traceparent`, version 00). */
export const traceparentSchema = z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);

/** Headers every airan message carries; a topic may add its own. */
export const MESSAGE_HEADERS = {
  traceparent: traceparentSchema.optional().describe('W3C trace context of the producing span; absent only on events written outside any trace, such as the registry seed at start-up'),
};

/** What travels on one topic: its message, its key, its headers, who writes and who reads it. */
export interface TopicMessage {
  /** The message's name, the value's type name in this library. */
  readonly name: string;
  readonly summary: string;
  /** What the key holds (every key is a string). */
  readonly key: string;
  readonly payload: z.ZodTypeAny;
  /** Headers besides `MESSAGE_HEADERS`. */
  readonly headers?: z.ZodRawShape;
  /** A compacted topic's deletions: a null value under the entity's key. */
  readonly tombstone?: string;
  readonly producer: string;
  readonly consumers: string;
}

/** Every topic's message, typed by `TOPICS`' keys so a topic cannot be added without one. */
export const TOPIC_MESSAGES: Readonly<Record<TopicKey, TopicMessage>> = {
  telemetry: {
    name: 'TelemetryReport',
    summary: "A site's normalised telemetry: cell samples, GPU samples, heartbeats and faults",
    key: 'siteId, so all of a site\'s cells and GPU nodes share one partition and its watermark',
    payload: telemetryReportSchema,
    producer: 'ingest, acknowledged by all in-sync replicas before the HTTP answer',
    consumers: 'load (group airan-load), alerting (group airan-alerting-samples), share (group airan-share), api streams',
  },
  telemetryDlq: {
    name: 'TelemetryDeadLetter',
    summary: 'An input record ingest rejected (or content it does not map), with the reason and the raw record',
    key: 'siteId, or `unknown` when the record names no valid site id',
    payload: telemetryDeadLetterSchema,
    producer: 'ingest, in the same request as the accepted reports',
    consumers: "api (group airan-api-dead-letters: operators' dead-letter history)",
  },
  cellLoad: {
    name: 'CellLoadWindow',
    summary: 'One closed event-time window of one cell, re-emitted with revision + 1 when late samples change it',
    key: 'cellId',
    payload: cellLoadWindowSchema,
    producer: 'load, through load.outbox and its relay',
    consumers: 'alerting (group airan-alerting), share (group airan-share), api streams',
  },
  rollups: {
    name: 'RollupWindow',
    summary: "A site's, pilot's or operator's totals over one window, after each change (the highest version supersedes)",
    key: 'scopeId',
    payload: rollupWindowSchema,
    producer: 'load, through load.outbox and its relay, in the transaction that moves the totals',
    consumers: 'share (group airan-share), api streams',
  },
  alerts: {
    name: 'AlertEvent',
    summary: 'An alert state change or an action on it (acknowledged, assigned, escalated, unmuted)',
    key: 'the alert fingerprint',
    payload: alertEventSchema,
    producer: 'alerting, through alerting.outbox and its relay',
    consumers: 'api (group airan-api: read model, history, streams), share (group airan-share)',
  },
  registry: {
    name: 'RegistryEvent',
    summary: 'A pilot registry entity (or an operator key, hash only) as stored, with its version',
    key: '`<type>:<id>`',
    payload: registryEventSchema,
    headers: { [REGISTRY_EVENT_ID_HEADER]: z.string().uuid().describe("the event's id, also on tombstones, which have no value to hold it") },
    tombstone: 'A deleted entity: a null value under its key, compacted away later',
    producer: 'api, through api.outbox and its relay (the key CLI writes the same outbox)',
    consumers: 'ingest, load, alerting, share: registry caches, each instance in a throw-away group that commits nothing',
  },
};
