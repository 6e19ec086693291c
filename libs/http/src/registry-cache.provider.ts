import type { OnModuleDestroy, OnModuleInit, Provider } from '@nestjs/common';
import { RegistryCache } from '@airan/kafka';
import type { ServiceInfra } from './service.infra';

/**
 * Ties a RegistryCache to the app lifecycle. It is read in onModuleInit, which Nest completes for every
 * provider before any onApplicationBootstrap: consumers (started there) never see an unread registry.
 */
class RegistryCacheLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(private readonly cache: RegistryCache) {}

  onModuleInit(): Promise<void> {
    return this.cache.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.cache.stop();
  }
}

/** The service's registry cache, plus its lifecycle and a readiness check. */
export function registryCacheProviders(infra: ServiceInfra, cache: RegistryCache): Provider[] {
  infra.readinessChecks.push({
    name: 'registry',
    check: async () => {
      if (!cache.isCaughtUp) throw new Error('registry not read yet');
    },
  });
  return [
    { provide: RegistryCache, useValue: cache },
    { provide: RegistryCacheLifecycle, useValue: new RegistryCacheLifecycle(cache) },
  ];
}

export function createRegistryCache(infra: ServiceInfra): RegistryCache {
  return new RegistryCache(infra.kafka, infra.topics.registry, infra.config.KAFKA_TOPIC_PREFIX, infra.logger);
}
