import { type DynamicModule, Module } from '@nestjs/common';
import { type ServiceInfra, createRegistryCache, registryCacheProviders } from '@airan/http';
import { Clock } from '@airan/system';
import { BackfillProgressRepository } from './backfill/backfill-progress.repository';
import { GrantBackfillUseCase } from './backfill/grant-backfill.use-case';
import { ShareHistoryRepository } from './backfill/share-history.repository';
import { SourcePositionsRepository } from './backfill/source-positions.repository';
import { PartnerTopics } from './partner-topics';
import type { ShareConfig } from './share.config';
import { ShareRelay } from './share.relay';

@Module({})
export class ShareModule {
  static forRoot(infra: ServiceInfra<ShareConfig>): DynamicModule {
    return {
      module: ShareModule,
      providers: [...registryCacheProviders(infra, createRegistryCache(infra)), Clock, PartnerTopics, ShareHistoryRepository, SourcePositionsRepository, BackfillProgressRepository, GrantBackfillUseCase, ShareRelay],
    };
  }
}
