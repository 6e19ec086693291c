import type { INestApplication } from '@nestjs/common';
import type { CustomStrategy, NestMicroservice } from '@nestjs/microservices';
import { type KafkaBatchTransport, KafkaErrorFilter } from '@airan/kafka';
import type { Logger } from '@airan/observability';

/**
 * Connects the app's Kafka consumers, with the Kafka transport's error mapper.
 *
 * Nest registers a hybrid app's consumer handlers as soon as the microservice is connected, and each
 * handler keeps the global filters of that moment: a filter added afterwards is ignored (Nest only warns).
 * Deferred, the mapper is in place before the handlers are registered, which `startAllMicroservices`
 * then does; the app's `init` has run every module's init hooks, so the consumers' start must not run
 * them a second time.
 */
export function connectKafkaConsumers(app: INestApplication, transport: KafkaBatchTransport, logger: Logger): void {
  const consumers = app.connectMicroservice<CustomStrategy>({ strategy: transport }, { deferInitialization: true }) as NestMicroservice;
  consumers.useGlobalFilters(new KafkaErrorFilter(logger));
  consumers.setIsInitHookCalled(true);
}
