import { ConfigResourceTypes } from 'kafkajs';
import { testKafka } from './test-kafka';
import { TOPICS } from '@airan/contracts';
import { ensureTopics } from '@airan/kafka';
import type { Isolation } from './stack';

/**
 * What the message-size tests send and how they set the broker up: requests within INGEST_MAX_RECORDS
 * and INGEST_MAX_BODY_BYTES whose reports or dead letters pass a topic's `max.message.bytes`.
 */


/** Every KPI a native cell record can carry: about 300 bytes a record, 280 a sample. */
export function fullCellRecord(siteId: string, cellId: string, ts: number) {
  return {
    type: 'cell',
    siteId,
    cellId,
    ts: new Date(ts).toISOString(),
    intervalMs: 15_000,
    prbDlPct: 41.53,
    prbUlPct: 12.25,
    thpDlMbps: 152.341,
    thpUlMbps: 20.4805,
    rrcConnectedUes: 37.5,
    inferenceRequests: 1200,
    inferenceTokens: 384000,
    gpuMs: 95400.5,
    latencyP95Ms: 41.7,
  };
}

export function vesHeader(siteId: string, ts: number, overrides: Record<string, unknown> = {}) {
  return {
    domain: 'measurement',
    eventId: `pm-${siteId}-${ts}`,
    eventName: 'Measurement_O_RAN_DU_PM1min',
    lastEpochMicrosec: ts * 1000,
    priority: 'Normal',
    reportingEntityName: 'o-du-ves-agent',
    sequence: 1,
    sourceName: siteId,
    startEpochMicrosec: (ts - 60_000) * 1000,
    version: '4.1',
    vesEventListenerVersion: '7.2.1',
    ...overrides,
  };
}

/** A VES measurement event of `cells` cells with every cell counter (about 300 bytes a cell); `bad` makes one counter out of range. */
export function bigVesEvent(siteId: string, cellPrefix: string, ts: number, cells: number, bad?: number) {
  const additionalMeasurements = Array.from({ length: cells }, (_, i) => ({
    name: `${cellPrefix}-${i}`,
    hashMap: {
      'RRU.PrbTotDl': i === bad ? '140' : '63.5',
      'RRU.PrbTotUl': '21.25',
      'DRB.UEThpDl': '152340',
      'DRB.UEThpUl': '20480.5',
      'RRC.ConnMean': '37.2',
      'airan.inference.requests': '1200',
      'airan.inference.tokens': '384000',
      'airan.inference.gpu_ms': '95400.5',
      'airan.inference.latency_p95_ms': '41.7',
    },
  }));
  return { commonEventHeader: vesHeader(siteId, ts, { eventId: `${cellPrefix}-${ts}` }), measurementFields: { measurementInterval: 60, measurementFieldsVersion: '4.0', additionalMeasurements } };
}

/** A valid VES fault whose `specificProblem` is `bytes` long: too large for any report message when it passes the limit. */
export function faultEvent(siteId: string, ts: number, bytes: number) {
  return {
    commonEventHeader: vesHeader(siteId, ts, { domain: 'fault', eventId: `fault-${ts}`, eventName: 'Fault_O_RAN_DU', priority: 'High' }),
    faultFields: { faultFieldsVersion: '4.0', alarmCondition: 'gpuXidError', eventSeverity: 'MAJOR', eventSourceType: 'O-DU', specificProblem: 'x'.repeat(bytes), vfStatus: 'Active' },
  };
}

/**
 * Creates the isolation's topics as every service does, then lowers `max.message.bytes` on the
 * telemetry and dead-letter topics, before ingest starts and reads it. AlterConfigs replaces a topic's
 * whole set of overrides, so the contract's retention and cleanup policy are given again.
 */
export async function lowerMessageLimits(isolation: Isolation, maxMessageBytes: number): Promise<void> {
  const admin = testKafka('airan-test-limits').admin();
  await admin.connect();
  try {
    await ensureTopics(admin, isolation.topicPrefix, 1);
    await admin.alterConfigs({
      validateOnly: false,
      resources: [TOPICS.telemetry, TOPICS.telemetryDlq].map((spec) => ({
        type: ConfigResourceTypes.TOPIC,
        name: isolation.topicPrefix + spec.name,
        configEntries: [
          { name: 'max.message.bytes', value: String(maxMessageBytes) },
          { name: 'retention.ms', value: String(spec.retentionMs) },
          { name: 'cleanup.policy', value: spec.cleanupPolicy },
        ],
      })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** A topic's `max.message.bytes` as the broker has it (the topic's own, or the broker default it inherits). */
export async function maxMessageBytes(topic: string): Promise<number> {
  const admin = testKafka('airan-test-limits').admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }] });
    return Number(resources[0].configEntries[0].configValue);
  } finally {
    await admin.disconnect();
  }
}

/** The size of a message value as ingest wrote it (JSON.stringify of the parsed value gives the same text back). */
export const valueBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
