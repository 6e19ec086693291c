import type { DataSource } from 'typeorm';
import type { Kafka } from 'kafkajs';
import type { CommonConfig } from '@airan/config';
import type { TopicNames } from '@airan/contracts';
import type { Logger, ReadinessCheck } from '@airan/observability';

/** What start-up prepared for a service, handed to its Nest module. */
export interface ServiceInfra<C extends CommonConfig = CommonConfig> {
  readonly name: string;
  readonly config: C;
  readonly logger: Logger;
  readonly dataSource: DataSource;
  readonly kafka: Kafka;
  readonly topics: TopicNames;
  /** What `/health/ready` checks; features add their own (e.g. registry caught up). */
  readonly readinessChecks: ReadinessCheck[];
}

export const INFRA = Symbol('INFRA');
