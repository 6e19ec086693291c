import type { Producer } from 'kafkajs';

/**
 * A kafkajs producer that is replaced after a failed send or transaction.
 *
 * kafkajs numbers each partition's batches before a request and, when the request fails, takes the
 * numbers back for every partition in it, including those the broker did write. The broker then holds a
 * batch under a sequence number kafkajs will use again, and it answers the next batch given that number
 * as a duplicate: acknowledged and dropped (test/durable-producer.e2e-spec.ts). A new producer starts
 * its own numbering: a new producer id, or for a transactional id a new epoch.
 */
export class RenewableProducer {
  private ready?: Promise<Producer>;
  /** The last use failed, or the producer never connected: the next caller gets a new one. */
  private spoiled = false;

  constructor(private readonly create: () => Producer) {}

  /** The producer to use now, connected; a new one in place of a spoiled one. */
  current(): Promise<Producer> {
    if (!this.ready || this.spoiled) {
      this.spoiled = false;
      const ready = this.replace(this.ready);
      ready.catch(() => (this.spoiled = true));
      this.ready = ready;
    }
    return this.ready;
  }

  /** A send or a transaction of the current producer failed. */
  spoil(): void {
    this.spoiled = true;
  }

  async disconnect(): Promise<void> {
    const producer = await this.ready?.catch(() => undefined);
    await producer?.disconnect();
  }

  private async replace(previous?: Promise<Producer>): Promise<Producer> {
    const spoiled = await previous?.catch(() => undefined);
    await spoiled?.disconnect().catch(() => undefined);
    const producer = this.create();
    await producer.connect();
    return producer;
  }
}
