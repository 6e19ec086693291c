import { Inject, Injectable } from '@nestjs/common';
import { INFRA, PeriodicMaintenance, type ServiceInfra } from '@airan/http';
import { Clock } from '@airan/system';
import type { IngestConfig } from '../ingest.config';
import { UnknownIdentifierRepository } from './unknown-identifier.repository';

const DAY_MS = 86_400_000;

/**
 * An unknown cell or node name is listed until no site has reported it for
 * INGEST_UNKNOWN_IDENTIFIER_RETENTION_DAYS (a renamed pod stops reporting its old name): pruned at start-up
 * and hourly, so the table holds what agents send now, not every name they ever sent.
 */
@Injectable()
export class UnknownIdentifierRetention extends PeriodicMaintenance {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<IngestConfig>,
    private readonly identifiers: UnknownIdentifierRepository,
    private readonly clock: Clock,
  ) {
    super(infra.logger, 'unknown identifier pruning');
  }

  protected async maintain(): Promise<void> {
    const pruned = await this.identifiers.pruneUnseenSince(new Date(this.clock.now() - this.infra.config.INGEST_UNKNOWN_IDENTIFIER_RETENTION_DAYS * DAY_MS));
    if (pruned > 0) this.infra.logger.info({ pruned }, 'unknown identifiers no longer reported pruned');
  }
}
