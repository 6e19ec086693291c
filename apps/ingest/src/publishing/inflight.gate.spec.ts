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
const sent = async () => 'sent';

const refusal = (action: () => unknown) => {
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
    const sending = g.hold('skt', 5, first.start);
    // The caller gave up at its deadline (503); the send is still retrying, so the budget stays used.
    const error = refusal(() => g.hold('skt', 1, sent));
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({ code: 'OVERLOADED', retryAfterSeconds: 1 });

    first.reject(new Error('broker gone'));
    await expect(sending).rejects.toThrow('broker gone');
    await expect(g.hold('skt', 5, sent)).resolves.toBe('sent');
  });

  it('frees the budget when the send is acknowledged', async () => {
    const g = gate(5);
    const [first, second] = [pendingSend(), pendingSend()];
    const sendings = [g.hold('skt', 3, first.start), g.hold('skt', 2, second.start)];
    expect(() => g.hold('skt', 1, sent)).toThrow(IngestError);
    first.resolve();
    await sendings[0];
    await expect(g.hold('skt', 3, async () => 'fits again')).resolves.toBe('fits again');
    expect(() => g.hold('skt', 4, sent)).toThrow(IngestError);
    second.resolve();
    await sendings[1];
    await expect(g.hold('skt', 5, async () => 'after')).resolves.toBe('after');
  });

  it("lets a request larger than the budget through when its operator holds nothing, and none of that operator's beside it", async () => {
    const g = gate(5);
    const big = pendingSend();
    const sending = g.hold('skt', 8, big.start);
    expect(() => g.hold('skt', 1, sent)).toThrow(IngestError);
    big.resolve();
    await sending;
    await expect(g.hold('skt', 1, async () => 'next')).resolves.toBe('next');
  });

  it('keeps taking the sends of an operator while another floods, and holds the flooder to its share', async () => {
    const g = gate(10);
    const flood = [pendingSend(), pendingSend()];
    const flooding = flood.map((f) => g.hold('skt', 5, f.start));
    expect(refusal(() => g.hold('skt', 1, sent))).toMatchObject({ code: 'OVERLOADED' });

    // kt holds nothing: its send starts although skt took the whole budget, and settles on its own.
    const kt = pendingSend();
    const ktSending = g.hold('kt', 3, kt.start);
    kt.resolve();
    await ktSending;

    // One of skt's sends settled: skt holds 5, kt starts again, and skt is now over half the budget.
    flood[0].resolve();
    await flooding[0];
    const ktAgain = pendingSend();
    const ktAgainSending = g.hold('kt', 2, ktAgain.start);
    expect(refusal(() => g.hold('skt', 1, sent))).toMatchObject({ code: 'FAIR_SHARE_EXCEEDED', retryAfterSeconds: 1 });
    await expect(g.hold('kt', 3, async () => 'within its share')).resolves.toBe('within its share');

    ktAgain.resolve();
    flood[1].resolve();
    await Promise.all([ktAgainSending, flooding[1]]);
    await expect(g.hold('skt', 10, async () => 'whole budget again')).resolves.toBe('whole budget again');
  });
});
