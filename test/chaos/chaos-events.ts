import type { Client } from 'pg';
import { type AlertEvent, type CellLoadWindow, stableEventId, topicNames } from '@airan/contracts';
import type { Delivery } from '../bench/alert-receiver';
import { readTopicToEnd } from '../support/kafka-test-tools';
import { Collector, type Finding } from './chaos-finding';

export interface CellLoadAccounting {
  readonly revisions: number;
  readonly messages: number;
  /** Revisions whose event id is not on the topic; ids on it no revision has; ids whose copies differ. */
  readonly missing: Finding;
  readonly unknown: Finding;
  readonly inconsistent: Finding;
  /** Extra copies of an id (the outbox relay is at least once; consumers de-duplicate by id), by id. */
  readonly redelivered: Finding;
}

export interface AlertAccounting {
  readonly transitions: number;
  readonly byStatus: Record<string, number>;
  readonly missingOnTopic: Finding;
  readonly unknownOnTopic: Finding;
  readonly redeliveredOnTopic: Finding;
  readonly notifications: number;
  readonly notNotified: Finding;
  readonly missingAtWebhook: Finding;
  /** Deliveries a receiver had to absorb beyond the first, by notification id. */
  readonly webhookDuplicates: Finding;
}

/** Every revision load stored has its deterministic event id on airan.cell-load.v1, its copies identical. */
export async function accountCellLoad(db: Client, topicPrefix: string): Promise<CellLoadAccounting> {
  const { rows } = await db.query<{ cell_id: string; s: number; revision: number; event_id: string }>(
    'SELECT cell_id, (extract(epoch FROM window_start) * 1000)::float8 AS s, revision, event_id FROM load.cell_window_revisions');
  const messages = await readTopicToEnd<CellLoadWindow>(topicNames(topicPrefix).cellLoad, 300_000);
  const copies = new Map<string, string[]>();
  for (const m of messages) copies.set(m.value.id, [...(copies.get(m.value.id) ?? []), JSON.stringify(m.value)]);
  const missing = new Collector();
  const known = new Set<string>();
  for (const r of rows) {
    const id = stableEventId('cell-load', r.cell_id, r.s, r.revision);
    known.add(r.event_id);
    if (id !== r.event_id || !copies.has(id)) missing.add(`${r.cell_id}@${new Date(r.s).toISOString()} rev ${r.revision} (${r.event_id})`);
  }
  const unknown = new Collector();
  const inconsistent = new Collector();
  const redelivered = new Collector();
  for (const [id, values] of copies) {
    if (!known.has(id)) unknown.add(id);
    if (values.length > 1) redelivered.add(`${id} ×${values.length}`, values.length - 1);
    if (new Set(values).size > 1) inconsistent.add(id);
  }
  return { revisions: rows.length, messages: messages.length, missing: missing.finding, unknown: unknown.finding, inconsistent: inconsistent.finding, redelivered: redelivered.finding };
}

/**
 * Every alert transition once in alerting's history (its primary key), on airan.alerts.v1, and, when it
 * is a firing or a resolve nobody muted, in a notification that reached the webhook at least once.
 * A notification is told apart at the receiver by the alert, its status and its episode's start.
 */
export async function accountAlerts(db: Client, topicPrefix: string, deliveries: readonly Delivery[]): Promise<AlertAccounting> {
  const { rows: history } = await db.query<{ event_id: string; status: string }>('SELECT event_id, status FROM alerting.alert_history');
  const events = (await readTopicToEnd<AlertEvent>(topicNames(topicPrefix).alerts, 300_000)).map((m) => m.value);
  const onTopic = new Map<string, AlertEvent[]>();
  for (const e of events) onTopic.set(e.id, [...(onTopic.get(e.id) ?? []), e]);
  const byStatus: Record<string, number> = {};
  const missingOnTopic = new Collector();
  for (const h of history) {
    byStatus[h.status] = (byStatus[h.status] ?? 0) + 1;
    if (!onTopic.has(h.event_id)) missingOnTopic.add(h.event_id);
  }
  const inHistory = new Set(history.map((h) => h.event_id));
  const unknownOnTopic = new Collector();
  const redeliveredOnTopic = new Collector();
  for (const [id, copies] of onTopic) {
    if (!inHistory.has(id)) unknownOnTopic.add(id);
    if (copies.length > 1) redeliveredOnTopic.add(`${id} ×${copies.length}`, copies.length - 1);
  }
  const notificationKey = (fingerprint: string | undefined, status: string, startsAt: string) => `${fingerprint}/${status}/${startsAt}`;
  const { rows: notifications } = await db.query<{ id: string; fingerprint: string; status: string; starts_at: string }>(
    `SELECT id, fingerprint, status, body->'alerts'->0->>'startsAt' AS starts_at FROM alerting.notifications`);
  const notified = new Set(notifications.map((n) => notificationKey(n.fingerprint, n.status, n.starts_at)));
  const notNotified = new Collector();
  // A firing is notified unless muted when it fired; a resolve only if its episode's firing was notified (as in
  // Alertmanager): an alert that fired inhibited and resolved before the inhibition's end was never announced.
  const expectsNotification = (e: AlertEvent) =>
    e.status === 'firing' ? e.silencedBy.length === 0 && e.inhibitedBy === null : notified.has(notificationKey(e.fingerprint, 'firing', e.startsAt));
  for (const copies of onTopic.values()) {
    const e = copies[0];
    if (e.change === 'state' && (e.status === 'firing' || e.status === 'resolved') && expectsNotification(e) && !notified.has(notificationKey(e.fingerprint, e.status, e.startsAt))) {
      notNotified.add(`${e.id} (${e.status} ${e.fingerprint})`);
    }
  }
  const received = new Map<string, number>();
  for (const d of deliveries) {
    // The receiver keeps the alerts as sent: Alertmanager's startsAt is there beside the fields it types.
    const alert = d.alerts[0] as (typeof d.alerts)[number] & { startsAt?: string };
    if (!alert) continue;
    const key = notificationKey(alert.fingerprint, alert.status, alert.startsAt ?? '');
    received.set(key, (received.get(key) ?? 0) + 1);
  }
  const missingAtWebhook = new Collector();
  const webhookDuplicates = new Collector();
  for (const n of notifications) {
    const times = received.get(notificationKey(n.fingerprint, n.status, n.starts_at)) ?? 0;
    if (times === 0) missingAtWebhook.add(n.id);
    if (times > 1) webhookDuplicates.add(`${n.id} ×${times}`, times - 1);
  }
  return {
    transitions: history.length,
    byStatus,
    missingOnTopic: missingOnTopic.finding,
    unknownOnTopic: unknownOnTopic.finding,
    redeliveredOnTopic: redeliveredOnTopic.finding,
    notifications: notifications.length,
    notNotified: notNotified.finding,
    missingAtWebhook: missingAtWebhook.finding,
    webhookDuplicates: webhookDuplicates.finding,
  };
}
