import { BaseRpcContext } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';

/**
 * What a `@EventPattern` handler of the Kafka batch transport gets beside its batch: the Postgres
 * transaction that applies the batch and advances the stored offset (write only through it, so the
 * effect and the offset commit together), and where the batch came from.
 */
export class KafkaBatchContext extends BaseRpcContext<[EntityManager, string, number]> {
  /** The transaction the batch is applied in. */
  get transaction(): EntityManager {
    return this.args[0];
  }

  /** The topic as deployed (with the deployment's prefix). */
  get topic(): string {
    return this.args[1];
  }

  get partition(): number {
    return this.args[2];
  }
}
