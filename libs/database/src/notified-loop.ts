import { Client } from 'pg';
import type { DataSource } from 'typeorm';

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
  private listener?: Client;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: NotifiedLoopOptions,
    private readonly pass: () => Promise<number | undefined>,
  ) {}

  async start(): Promise<void> {
    this.listener = new Client({ connectionString: (this.dataSource.options as { url: string }).url });
    await this.listener.connect();
    this.listener.on('notification', () => this.kick());
    // A lost LISTEN connection only costs latency: the sweep still finds everything.
    this.listener.on('error', (error) => this.options.onError(error));
    // The channel name is a constant of the caller's, never input.
    await this.listener.query(`LISTEN ${this.options.channel}`);
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
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
