import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { OutboxRepository } from '@airan/database';
import { counter, type Logger } from '@airan/observability';
import type { DurableProducer } from './kafka.producer';

const relayed = counter('airan_outbox_relayed_total', 'Outbox events published to Kafka');

/**
 * Publishes a service's outbox to Kafka. Woken by Postgres NOTIFY as soon as a transaction that
 * added events commits (from this process or any other, such as the key CLI); the periodic sweep
 * only picks up what a crash or a broker outage left behind.
 */
export class OutboxRelay {
  private running = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private pendingKick = false;
  private listener?: Client;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly producer: DurableProducer,
    private readonly logger: Logger,
    private readonly options: { batchSize: number; sweepMs: number } = { batchSize: 500, sweepMs: 1000 },
  ) {}

  async start(): Promise<void> {
    this.listener = new Client({ connectionString: (this.dataSource.options as { url: string }).url });
    await this.listener.connect();
    this.listener.on('notification', () => this.kick());
    // A lost LISTEN connection only costs latency: the sweep still publishes everything.
    this.listener.on('error', (error) => this.logger.warn({ err: error.message }, 'outbox LISTEN connection lost; relying on the sweep'));
    await this.listener.query(`LISTEN ${this.outbox.channel}`);
    this.running = true;
    this.loop = this.run();
  }

  private kick(): void {
    this.pendingKick = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingKick = false;
      try {
        await this.drain();
      } catch (error) {
        this.logger.warn({ err: (error as Error).message }, 'outbox relay failed; will retry');
      }
      if (!this.pendingKick && this.running) await this.sleep();
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      const published = await this.outbox.publishPending(this.dataSource, this.options.batchSize, (rows) =>
        this.producer.sendBatch(rows.map((row) => ({ topic: row.topic, message: { key: row.key, value: row.value, headers: row.headers } }))),
      );
      relayed.inc(published);
      if (published < this.options.batchSize) return;
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.sweepMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
