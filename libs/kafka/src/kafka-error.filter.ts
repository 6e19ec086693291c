import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';
import { FeatureError } from '@airan/errors';
import type { Logger } from '@airan/observability';

/**
 * The Kafka transport's error mapper: whatever a batch handler throws is logged (a feature error with its
 * code) and thrown on unchanged, so the batch's transaction rolls back and kafkajs delivers the batch
 * again; a batch that keeps failing stops the consumer, and the app decides what follows (runService exits; see ExactlyOnceConsumer).
 * Nest's default would replace the error with a generic RPC reply, which a consumer has no one to send to.
 */
@Catch()
export class KafkaErrorFilter implements RpcExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown): Observable<never> {
    const code = error instanceof FeatureError ? `${error.feature}.${error.code}` : undefined;
    this.logger.error({ err: (error as Error)?.message ?? String(error), ...(code ? { code } : {}) }, 'batch handler failed; the batch is rolled back and delivered again');
    return throwError(() => error);
  }
}
