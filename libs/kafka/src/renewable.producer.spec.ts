import type { Producer } from 'kafkajs';
import { RenewableProducer } from './renewable.producer';

/** Producers that record their connects and disconnects; `failConnects` of them refuse to connect first. */
function factory(failConnects = 0) {
  const made: Array<{ id: number; connected: boolean; disconnected: boolean }> = [];
  let refusals = failConnects;
  const create = () => {
    const state = { id: made.length + 1, connected: false, disconnected: false };
    made.push(state);
    return {
      id: state.id,
      connect: async () => {
        if (refusals-- > 0) throw new Error('broker unreachable');
        state.connected = true;
      },
      disconnect: async () => void (state.disconnected = true),
    } as unknown as Producer & { id: number };
  };
  return { create, made };
}

const idOf = (producer: Producer) => (producer as Producer & { id: number }).id;

describe('RenewableProducer', () => {
  it('keeps one connected producer while nothing fails', async () => {
    const { create, made } = factory();
    const renewable = new RenewableProducer(create);
    const [a, b] = await Promise.all([renewable.current(), renewable.current()]);
    expect([idOf(a), idOf(b), idOf(await renewable.current())]).toEqual([1, 1, 1]);
    expect(made).toEqual([{ id: 1, connected: true, disconnected: false }]);
  });

  it('replaces a spoiled producer with a new one, the old one disconnected first', async () => {
    const { create, made } = factory();
    const renewable = new RenewableProducer(create);
    await renewable.current();
    renewable.spoil();
    expect(idOf(await renewable.current())).toBe(2);
    expect(made).toEqual([
      { id: 1, connected: true, disconnected: true },
      { id: 2, connected: true, disconnected: false },
    ]);
  });

  it('fails the caller when a producer cannot connect, and gives the next caller another', async () => {
    const { create, made } = factory(1);
    const renewable = new RenewableProducer(create);
    await expect(renewable.current()).rejects.toThrow('broker unreachable');
    expect(idOf(await renewable.current())).toBe(2);
    expect(made.map((p) => p.connected)).toEqual([false, true]);
  });

  it('disconnects the current producer, and nothing when none was made', async () => {
    const { create, made } = factory();
    await new RenewableProducer(create).disconnect();
    expect(made).toEqual([]);
    const renewable = new RenewableProducer(create);
    await renewable.current();
    await renewable.disconnect();
    expect(made).toEqual([{ id: 1, connected: true, disconnected: true }]);
  });
});
