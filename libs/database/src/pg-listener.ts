import { Client } from 'pg';
import { counter } from '@airan/observability';

const reconnects = counter('airan_pg_listen_reconnects_total', 'LISTEN connections re-established after they dropped', ['channel']);

/** Delays before each reconnection attempt; the last repeats until Postgres answers. */
const RETRY_MS = [100, 250, 500, 1000, 2000, 5000];

export type PgListenerState = 'starting' | 'listening' | 'reconnecting' | 'stopped';

export interface PgListenerOptions {
  readonly url: string;
  /** A constant of the caller's, never input: it is written into the LISTEN statement. */
  readonly channel: string;
  /** Each NOTIFY; and once after every reconnection, since notifications sent meanwhile are lost. */
  readonly onNotify: () => void;
  readonly onError: (error: Error) => void;
}

/**
 * A LISTEN connection that listens again whenever it drops (Postgres restarted, the backend
 * terminated, the network cut), with backoff. Its state is what `/health/ready` reports: a listener
 * that is reconnecting still works, by its owner's sweep, but only at the sweep's latency.
 */
export class PgListener {
  private client?: Client;
  private current: PgListenerState = 'starting';
  private since = Date.now();
  private attempt = 0;
  private retry?: NodeJS.Timeout;

  constructor(private readonly options: PgListenerOptions) {}

  get state(): PgListenerState {
    return this.current;
  }

  /** Throws while not listening, naming the state and since when: a readiness check. */
  check(): void {
    if (this.current !== 'listening') throw new Error(`LISTEN ${this.options.channel}: ${this.current} since ${new Date(this.since).toISOString()}`);
  }

  async stop(): Promise<void> {
    this.set('stopped');
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  /** Resolves once listening. A first connection that fails rejects, so start-up fails loudly; later drops reconnect on their own. */
  async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.url });
    this.client = client;
    let dropped = false;
    const drop = (error?: Error) => {
      if (dropped || this.current === 'stopped') return;
      dropped = true;
      if (error) this.options.onError(error);
      this.reconnect();
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', () => this.options.onNotify());
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      dropped = true;
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.current === 'stopped') return void (await client.end().catch(() => undefined));
    this.attempt = 0;
    this.set('listening');
  }

  private reconnect(): void {
    this.set('reconnecting');
    this.retry = setTimeout(() => {
      if (this.current === 'stopped') return;
      this.listen().then(
        () => {
          reconnects.inc({ channel: this.options.channel });
          this.options.onNotify();
        },
        (error: Error) => {
          this.options.onError(error);
          this.reconnect();
        },
      );
    }, RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)]);
  }

  private set(state: PgListenerState): void {
    if (state !== this.current) this.since = Date.now();
    this.current = state;
  }
}
