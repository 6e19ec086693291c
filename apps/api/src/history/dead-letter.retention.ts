import { Inject, Injectable } from '@nestjs/common';
import { INFRA, PeriodicMaintenance, type ServiceInfra } from '@airan/http';
import { Clock } from '@airan/system';
import type { ApiConfig } from '../api.config';
import { DeadLetterRepository } from './dead-letter.repository';

const DAY_MS = 86_400_000;

/**
 * Dead letters are kept API_DEAD_LETTER_RETENTION_DAYS (default 30, the topic's own retention) after ingest
 * received the record: pruned at start-up and hourly. Pruning only deletes, so several api instances
 * pruning at once is harmless.
 */
@Injectable()
export class DeadLetterRetention extends PeriodicMaintenance {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<ApiConfig>,
    private readonly deadLetters: DeadLetterRepository,
    private readonly clock: Clock,
  ) {
    super(infra.logger, 'dead-letter pruning');
  }

  protected async maintain(): Promise<void> {
    const pruned = await this.deadLetters.pruneBefore(this.clock.now() - this.infra.config.API_DEAD_LETTER_RETENTION_DAYS * DAY_MS);
    if (pruned > 0) this.infra.logger.info({ pruned }, 'dead letters past retention pruned');
  }
}
