import { type DynamicModule, Module } from '@nestjs/common';
import { type ServiceInfra, createRegistryCache, registryCacheProviders } from '@airan/http';
import { Clock } from '@airan/system';
import { PartnerTopics } from './partner-topics';
import type { ShareConfig } from './share.config';
import { ShareRelay } from './share.relay';

@Module({})
export class ShareModule {
  static forRoot(infra: ServiceInfra<ShareConfig>): DynamicModule {
    return {
      module: ShareModule,
      providers: [...registryCacheProviders(infra, createRegistryCache(infra)), Clock, PartnerTopics, ShareRelay],
    };
  }
}
