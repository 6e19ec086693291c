import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from '@airan/observability';

const HOUR_MS = 3_600_000;

/**
 * Work a service repeats to keep its tables in shape (retention, partitions): once at start-up, awaited in
 * onModuleInit so that it is done before any consumer starts (onApplicationBootstrap), then every
 * `intervalMs`. A later run that fails is logged and tried again at the next one. The work must be
 * harmless when several instances do it at once.
 */
export abstract class PeriodicMaintenance implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  protected constructor(
    private readonly logger: Logger,
    /** What the work is, for the log line of a failed run. */
    private readonly what: string,
    private readonly intervalMs = HOUR_MS,
  ) {}

  protected abstract maintain(): Promise<void>;

  async onModuleInit(): Promise<void> {
    await this.maintain();
    this.timer = setInterval(() => void this.maintain().catch((error: Error) => this.logger.warn({ err: error.message }, `${this.what} failed`)), this.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
