import { type IncomingMessage, type Server, createServer } from 'node:http';
import { testKafka } from './test-kafka';
import { Client } from 'pg';
import { type AlertEvent, topicNames } from '@airan/contracts';
import type { AlertmanagerWebhook } from '@airan/rule-engine';
import { readTopicToEnd } from './kafka-test-tools';
import { ServiceProcess } from './service-process';
import { type Isolation, eventually, freePort } from './stack';

/** What one alerting run decided, normalised so that two runs fed the same evidence compare exactly. */
export interface AlertingState {
  /** alert_history rows, by alert then event time. */
  readonly history: ReadonlyArray<Record<string, unknown>>;
  /** alert_instances rows without the wall-clock columns; `last_event` normalised like the events. */
  readonly instances: ReadonlyArray<Record<string, unknown>>;
  /** Events on airan.alerts.v1 by fingerprint, in topic order (every copy: none may repeat). */
  readonly events: Readonly<Record<string, AlertEvent[]>>;
  /** Webhook bodies by the alert whose change they announce, in the order the receiver got them. */
  readonly webhooks: Readonly<Record<string, AlertmanagerWebhook[]>>;
}

/** An alert event without what differs between runs by design: its own span's id, and the order of its source traces. */
function comparable(event: AlertEvent): AlertEvent {
  return { ...event, trace: { traceparent: null, sourceTraceIds: [...event.trace.sourceTraceIds].sort() } };
}

function byKey<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const item of items) (out[keyOf(item)] ??= []).push(item);
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

/**
 * An alerting process (more on request) with its own webhook receiver, in its own isolation (database, topics, groups).
 * Its rules are replaced before any evidence arrives, so a run depends on the evidence alone.
 */
export class AlertingRun {
  /** Every instance started, in order; the first (never killed) answers the rules API. */
  private readonly instances: ServiceProcess[];

  private constructor(
    readonly isolation: Isolation,
    private readonly env: Record<string, string>,
    first: ServiceProcess,
    private readonly receiver: Server,
    private readonly db: Client,
    /** What the webhook receiver got, in arrival order. */
    readonly webhookBodies: readonly AlertmanagerWebhook[],
  ) {
    this.instances = [first];
  }

  static async start(isolation: Isolation): Promise<AlertingRun> {
    const bodies: AlertmanagerWebhook[] = [];
    const receiver = createServer((request: IncomingMessage, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        bodies.push(JSON.parse(raw));
        response.writeHead(200).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    const env = {
      ...isolation.env,
      ALERTING_WEBHOOKS: `ops=http://127.0.0.1:${port}/hook`,
      ALERTING_EXTERNAL_URL: 'http://airan.example:3000',
      ALERTING_NOTIFY_MAX_BACKOFF_MS: '500',
    };
    const alerting = await ServiceProcess.start('alerting', env);
    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    return new AlertingRun(isolation, env, alerting, receiver, db, bodies);
  }

  private get process(): ServiceProcess {
    return this.instances[0];
  }

  /** Starts one more instance, in the same consumer groups: the topics' partitions are shared out again. */
  async addInstance(): Promise<ServiceProcess> {
    const instance = await ServiceProcess.start('alerting', this.env);
    this.instances.push(instance);
    return instance;
  }

  private async ops(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.process.url}/internal/v1/rules${path}`, {
      method,
      headers: { authorization: `Bearer ${this.isolation.env.ALERTING_OPS_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} rules${path} answered ${response.status}: ${await response.text()}`);
    return response;
  }

  /** Deletes every rule (the shipped ones included) and puts these instead. */
  async replaceRules(rules: ReadonlyArray<{ id: string } & Record<string, unknown>>): Promise<void> {
    const { rules: existing } = (await (await this.ops('GET', '')).json()) as { rules: Array<{ id: string }> };
    for (const { id } of existing) await this.ops('DELETE', `/${id}`);
    for (const rule of rules) await this.ops('PUT', `/${rule.id}`, rule);
  }

  /**
   * Waits until alerting applied every message now on its two source topics (the offsets stored beside
   * its state reach the topics' ends), relayed its outbox and delivered every notification.
   */
  async waitSettled(timeoutMs = 120_000): Promise<void> {
    const topics = topicNames(this.isolation.topicPrefix);
    const kafka = testKafka('airan-test-settled', this.isolation.env.KAFKA_BROKERS.split(','));
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = new Map<string, number>();
      for (const topic of [topics.cellLoad, topics.telemetry]) {
        for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${p.partition}`, Number(p.high));
      }
      await Promise.race([
        eventually(async () => {
          const { rows } = await this.db.query<{ topic: string; partition: number; next_offset: string }>('SELECT topic, partition, next_offset FROM alerting.consumer_offsets');
          const stored = new Map(rows.map((r) => [`${r.topic}/${r.partition}`, Number(r.next_offset)]));
          for (const [partition, end] of ends) if (end > 0 && (stored.get(partition) ?? 0) < end) throw new Error(`${partition} applied up to ${stored.get(partition) ?? 0} of ${end}`);
          const { rows: [left] } = await this.db.query<{ outbox: number; notifications: number }>(
            `SELECT (SELECT count(*)::int FROM alerting.outbox WHERE published_at IS NULL) AS outbox,
                    (SELECT count(*)::int FROM alerting.notifications WHERE delivered_at IS NULL) AS notifications`,
          );
          if (left.outbox > 0 || left.notifications > 0) throw new Error(`${left.outbox} events not relayed, ${left.notifications} notifications not delivered`);
        }, timeoutMs, 200),
        ...this.instances.map((p) => p.unexpectedExit()),
      ]);
    } finally {
      await admin.disconnect();
    }
  }

  async state(): Promise<AlertingState> {
    const history = (await this.db.query('SELECT event_id, fingerprint, status, change, actor, value, evaluated_at FROM alerting.alert_history ORDER BY fingerprint, evaluated_at, status')).rows;
    const instances = (await this.db.query('SELECT * FROM alerting.alert_instances ORDER BY fingerprint')).rows.map(({ updated_at: _u, firing_wall_at: _f, last_event, ...row }) => ({
      ...row,
      last_event: last_event === null ? null : comparable(last_event),
    }));
    const events = (await readTopicToEnd<AlertEvent>(topicNames(this.isolation.topicPrefix).alerts)).map((m) => m.value);
    return {
      history,
      instances,
      events: byKey(events.map(comparable), (e) => e.fingerprint),
      webhooks: byKey(this.webhookBodies, (w) => w.alerts[0].fingerprint),
    };
  }

  async close(): Promise<void> {
    await this.db.end();
    await Promise.all(this.instances.map((p) => p.stop()));
    await new Promise((resolve) => this.receiver.close(resolve));
  }
}

/**
 * The state as the receivers of an at-least-once delivery see it: a copy of an event already on the topic
 * (same id: the outbox relay sent it again after a crash between Kafka's acknowledgement and its commit)
 * and a webhook body that repeats the one before it for the same alert (the notifier died between the
 * POST and marking it delivered; a later change of that alert waits behind it, so a repeat is always
 * next to its original) are dropped, and counted.
 */
export function withoutRedeliveries(state: AlertingState): { state: AlertingState; redelivered: { events: number; webhooks: number } } {
  let events = 0;
  let webhooks = 0;
  const seen = new Set<string>();
  const firstCopies = Object.fromEntries(Object.entries(state.events).map(([fp, list]) => [fp, list.filter((e) => {
    if (seen.has(e.id)) return (events++, false);
    return seen.add(e.id);
  })]));
  const firstDeliveries = Object.fromEntries(Object.entries(state.webhooks).map(([fp, bodies]) => [fp, bodies.filter((body, i) => {
    if (i > 0 && JSON.stringify(body) === JSON.stringify(bodies[i - 1])) return (webhooks++, false);
    return true;
  })]));
  return { state: { ...state, events: firstCopies, webhooks: firstDeliveries }, redelivered: { events, webhooks } };
}

/**
 * What no alert may ever show, whatever order or how often evidence arrived: a firing alert going back
 * to pending, a second firing of one episode, a resolve ending before its episode began; and a receiver
 * told twice that an episode fires. Up to 20 descriptions, or none.
 */
export function lifecycleViolations(state: AlertingState): string[] {
  const out: string[] = [];
  for (const [fp, events] of Object.entries(state.events)) {
    let status = 'inactive';
    for (const e of events.filter((x) => x.change === 'state')) {
      if (status === 'firing' && e.status === 'pending') out.push(`${fp}: firing → pending at ${e.evaluatedAt}`);
      if (status === 'firing' && e.status === 'firing') out.push(`${fp}: fired twice without a resolve (${e.evaluatedAt})`);
      if (e.status === 'resolved' && e.endsAt !== null && e.endsAt < e.startsAt) out.push(`${fp}: resolve ends at ${e.endsAt}, before its start ${e.startsAt}`);
      status = e.status;
    }
  }
  for (const [fp, bodies] of Object.entries(state.webhooks)) {
    const heard = new Set<string>();
    for (const body of bodies) {
      const alert = body.alerts[0];
      const episode = `${alert.startsAt}/${alert.status}`;
      if (heard.has(episode)) out.push(`${fp}: receiver told twice that the episode from ${alert.startsAt} is ${alert.status}`);
      heard.add(episode);
    }
  }
  return out.slice(0, 20);
}
