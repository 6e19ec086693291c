import { Client } from 'pg';
import { ALERT_EVENTS_CHANNEL } from './alert-read.repository';

export interface AlertEventsListenerHandlers {
  /** The id of an event whose transaction committed. */
  readonly recorded: (eventId: string) => void;
  /** The connection broke: notifications sent until it is back are lost to this instance. */
  readonly lost: (error: Error) => void;
}

const RECONNECT_MS = 1000;

/**
 * LISTENs for recorded alert events on a dedicated Postgres connection (a pooled one could not hold
 * the LISTEN), like the outbox relays' NotifiedLoop. A broken connection is reported, then
 * re-established every second until it is back.
 */
export class AlertEventsListener {
  private client?: Client;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly handlers: AlertEventsListenerHandlers,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Connects and listens; fails (at start-up) when Postgres cannot be reached. */
  async start(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'airan-api-alert-stream' });
    client.on('notification', ({ channel, payload }) => {
      if (channel === ALERT_EVENTS_CHANNEL && payload) this.handlers.recorded(payload);
    });
    client.on('error', (error) => this.drop(client, error));
    client.on('end', () => this.drop(client, new Error('connection closed')));
    try {
      await client.connect();
      await client.query(`LISTEN ${ALERT_EVENTS_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) await client.end();
    else this.client = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private drop(client: Client, error: Error): void {
    if (client !== this.client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.handlers.lost(error);
    this.reconnect();
  }

  private reconnect(): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => this.start().catch(() => this.reconnect()), RECONNECT_MS);
  }
}
