import type { DataSource } from 'typeorm';
import type { ReadinessCheck } from '@airan/observability';
import { PgListener } from './pg-listener';

export interface NotifiedLoopOptions {
  /** Postgres channel whose NOTIFY (sent at commit by whoever queued work) wakes the loop. */
  readonly channel: string;
  /** Longest sleep between passes: picks up what a crash, an outage or a retry delay left behind. */
  readonly sweepMs: number;
  readonly onError: (error: Error) => void;
}

/**
 * Runs `pass` whenever work may be waiting: at start, on each NOTIFY of the channel, and at least
 * every `sweepMs`. `pass` returns how long it wants to sleep at most (e.g. until the next retry is
 * due), or undefined for the sweep. One pass at a time; `stop` waits for the current one.
 */
export class NotifiedLoop {
  private running = false;
  private pendingKick = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private readonly listener: PgListener;

  constructor(
    dataSource: DataSource,
    private readonly options: NotifiedLoopOptions,
    private readonly pass: () => Promise<number | undefined>,
  ) {
    // A lost LISTEN connection only costs latency (the sweep still finds everything) until it is back.
    this.listener = new PgListener({ url: (dataSource.options as { url: string }).url, channel: options.channel, onNotify: () => this.kick(), onError: options.onError });
  }

  /** `/health/ready`'s view of the loop: down while its LISTEN connection is being re-established. */
  get readiness(): ReadinessCheck {
    return { name: `listen:${this.options.channel}`, check: async () => this.listener.check() };
  }

  async start(): Promise<void> {
    await this.listener.listen();
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener.stop();
  }

  private kick(): void {
    this.pendingKick = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.pendingKick = false;
      let sleepMs: number | undefined;
      try {
        sleepMs = await this.pass();
      } catch (error) {
        this.options.onError(error as Error);
      }
      if (!this.pendingKick && this.running) await this.sleep(Math.min(sleepMs ?? this.options.sweepMs, this.options.sweepMs));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.wake = done;
    });
  }
}
