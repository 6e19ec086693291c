import type { IngestConfig } from '../ingest.config';
import { IngestError } from '../ingest.errors';
import { InflightGate } from './inflight.gate';

/** A send the test settles by hand, as Kafka would acknowledge or finally give up. */
function pendingSend() {
  let settle!: { resolve: () => void; reject: (error: Error) => void };
  const promise = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  return { start: () => promise, ...settle };
}

const gate = (limit: number) => new InflightGate({ config: { INGEST_MAX_INFLIGHT_RECORDS: limit } as IngestConfig });

const overloaded = (action: () => unknown) => {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('was not refused');
};

describe('InflightGate', () => {
  it('keeps the records of a send counted until the send settles, however long the caller waited', async () => {
    const g = gate(5);
    const first = pendingSend();
    const sending = g.hold(5, first.start);
    // The caller gave up at its deadline (503); the send is still retrying, so the budget stays used.
    const error = overloaded(() => g.hold(1, async () => undefined));
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({ code: 'OVERLOADED', retryAfterSeconds: 1 });

    first.reject(new Error('broker gone'));
    await expect(sending).rejects.toThrow('broker gone');
    await expect(g.hold(5, async () => 'sent')).resolves.toBe('sent');
  });

  it('frees the budget when the send is acknowledged', async () => {
    const g = gate(5);
    const [first, second] = [pendingSend(), pendingSend()];
    const sendings = [g.hold(3, first.start), g.hold(2, second.start)];
    expect(() => g.hold(1, async () => undefined)).toThrow(IngestError);
    first.resolve();
    await sendings[0];
    await expect(g.hold(3, async () => 'fits again')).resolves.toBe('fits again');
    expect(() => g.hold(4, async () => undefined)).toThrow(IngestError);
    second.resolve();
    await sendings[1];
    await expect(g.hold(5, async () => 'after')).resolves.toBe('after');
  });

  it('lets a request larger than the budget through when nothing else is held, and nothing beside it', async () => {
    const g = gate(5);
    const big = pendingSend();
    const sending = g.hold(8, big.start);
    expect(() => g.hold(1, async () => undefined)).toThrow(IngestError);
    big.resolve();
    await sending;
    await expect(g.hold(1, async () => 'next')).resolves.toBe('next');
  });
});
