import type { Kafka, ProducerBatch } from 'kafkajs';
import { DurableProducer, isBrokerMessageTooLarge, MESSAGE_SAFETY_MARGIN_BYTES, MessageTooLargeError, RECORD_BATCH_OVERHEAD_BYTES, recordBytes } from './kafka.producer';

/** A DurableProducer over a fake kafkajs client that records each produce request. */
function producer() {
  const requests: ProducerBatch[] = [];
  const kafka = { producer: () => ({ connect: async () => undefined, sendBatch: async (batch: ProducerBatch) => void requests.push(batch) }) } as unknown as Kafka;
  return { durable: new DurableProducer(kafka), requests };
}

const item = (topic: string, key: string, bytes: number) => ({ topic, message: { key, value: 'x'.repeat(bytes) } });
const limit = 4096;
const room = limit - RECORD_BATCH_OVERHEAD_BYTES - MESSAGE_SAFETY_MARGIN_BYTES;

describe('DurableProducer.sendBatch with message limits', () => {
  it('sends everything in one request when no limit is given, as before', async () => {
    const { durable, requests } = producer();
    await durable.sendBatch([item('t', 'a', 3000), item('t', 'a', 3000), item('d', 'b', 10)]);
    expect(requests).toHaveLength(1);
    expect(requests[0].topicMessages?.map((t) => [t.topic, t.messages.length])).toEqual([
      ['t', 2],
      ['d', 1],
    ]);
  });

  it("cuts each topic's messages, in order, into requests that keep every topic's batch under its limit", async () => {
    const { durable, requests } = producer();
    const items = [...Array.from({ length: 10 }, (_, i) => ({ topic: 't', message: { key: 'site-a', value: `${i}`.padEnd(1000, '.') } })), item('d', 'unknown', 100)];
    await durable.sendBatch(items, 1000, new Map([['t', limit], ['d', limit]]));
    expect(requests.length).toBeGreaterThan(3);
    const sent = requests.flatMap((r) => r.topicMessages!.filter((t) => t.topic === 't').flatMap((t) => t.messages.map((m) => (m.value as string)[0])));
    expect(sent).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    for (const r of requests) for (const t of r.topicMessages!) expect(t.messages.reduce((sum, m) => sum + recordBytes(m), 0)).toBeLessThanOrEqual(room);
    // The dead-letter topic rides along with the first request.
    expect(requests[0].topicMessages!.map((t) => t.topic)).toEqual(['t', 'd']);
    expect(requests.every((r) => r.acks === -1 && r.timeout === 1000)).toBe(true);
  });

  it('refuses a message too large to fit alone before sending anything', async () => {
    const { durable, requests } = producer();
    const sending = durable.sendBatch([item('t', 'a', 10), item('t', 'a', limit)], 1000, new Map([['t', limit]]));
    await expect(sending).rejects.toBeInstanceOf(MessageTooLargeError);
    await expect(sending).rejects.toThrow(/does not fit in t, which takes at most 4096 bytes per batch \(max\.message\.bytes\)/);
    expect(requests).toEqual([]);
  });

  it('gives the value budget that fits exactly one message in a batch', async () => {
    const { durable, requests } = producer();
    const budget = durable.valueBudget(limit, 'site-a');
    await durable.sendBatch([item('t', 'site-a', budget)], 1000, new Map([['t', limit]]));
    expect(requests).toHaveLength(1);
    await expect(durable.sendBatch([item('t', 'site-a', budget + 1)], 1000, new Map([['t', limit]]))).rejects.toBeInstanceOf(MessageTooLargeError);
  });
});

describe('recordBytes', () => {
  it('bounds a record from above: key, value, headers and the widest varints', () => {
    expect(recordBytes({ key: 'k', value: 'v', headers: { traceparent: 'x'.repeat(55) } })).toBe(36 + 1 + 1 + 10 + 11 + 55);
    expect(recordBytes({ key: 'é', value: Buffer.alloc(10) })).toBe(36 + 2 + 10);
  });
});

describe('isBrokerMessageTooLarge', () => {
  it("recognises the broker's refusal, directly or as the cause", () => {
    expect(isBrokerMessageTooLarge({ type: 'MESSAGE_TOO_LARGE' })).toBe(true);
    expect(isBrokerMessageTooLarge({ name: 'KafkaJSNumberOfRetriesExceeded', cause: { type: 'RECORD_LIST_TOO_LARGE' } })).toBe(true);
    expect(isBrokerMessageTooLarge(new Error('Connection timeout'))).toBe(false);
  });
});
