import { randomUUID } from 'node:crypto';

/** Random ids as a provider, so a test can predict the ids a use case hands out. Deterministic ids use `stableEventId`. */
export class IdGenerator {
  uuid(): string {
    return randomUUID();
  }
}
