import { OWNERLESS_MAX_AGE_MS, type Sweeper, databaseOf, isLeftover, isolationId, isolationOfDatabase, isolationOfTopic, parseIsolationId, topicPrefixOf } from './isolation-names';

describe('test isolation names', () => {
  const createdAt = Date.UTC(2026, 11, 6, 3, 39, 36, 391);
  const id = isolationId(createdAt, 4242, '0594a8');

  it('say when an isolation was made and which process owns it', () => {
    expect(id).toBe('tmxbalyyv_39u_0594a8');
    expect(parseIsolationId(id)).toEqual({ id, createdAt, ownerPid: 4242 });
  });

  it('are found in its topics and its database, and nowhere else', () => {
    expect(isolationOfTopic(`${topicPrefixOf(id)}airan.telemetry.v1`)).toEqual({ id, createdAt, ownerPid: 4242 });
    expect(isolationOfDatabase(databaseOf(id))).toEqual({ id, createdAt, ownerPid: 4242 });
    // A developer's `npm run up` stack, Kafka's own topics, other databases, other groups' names.
    for (const topic of ['airan.telemetry.v1', 'airan.registry.v1', '__consumer_offsets', `${id}`, `x${id}.airan.alerts.v1`, 'test-reader-4c36b935']) expect(isolationOfTopic(topic)).toBeUndefined();
    for (const database of ['airan', 'postgres', 'template1', 'test', id, `airan_${id}x`, 'airan_airan']) expect(isolationOfDatabase(database)).toBeUndefined();
  });

  it('made before owners were recorded are still recognised, without an owner', () => {
    expect(isolationOfTopic('tmxbalyyv0594a8.airan.alerts.v1')).toEqual({ id: 'tmxbalyyv0594a8', createdAt });
    expect(isolationOfDatabase('airan_tmxbalyyv0594a8')).toEqual({ id: 'tmxbalyyv0594a8', createdAt });
  });
});

describe('leftovers', () => {
  const now = Date.UTC(2026, 11, 6, 12);
  const alive = new Set([100, 200]);
  const sweeper: Sweeper = { pid: 100, now, processExists: (pid) => alive.has(pid) };
  const owned = (ownerPid: number) => parseIsolationId(isolationId(now - 1000, ownerPid, 'abcdef'))!;

  it('are the isolations of the sweeping run itself, all its test files being done', () => {
    expect(isLeftover(owned(100), sweeper)).toBe(true);
  });

  it('are those whose owner process is gone', () => {
    expect(isLeftover(owned(300), sweeper)).toBe(true);
  });

  it('are never those of another run still going, however old', () => {
    expect(isLeftover({ ...owned(200), createdAt: now - 7 * 24 * 3600_000 }, sweeper)).toBe(false);
  });

  it('are the ownerless ones once older than any test file runs', () => {
    const ownerless = (age: number) => ({ id: 'tmxbalyyv0594a8', createdAt: now - age });
    expect(isLeftover(ownerless(OWNERLESS_MAX_AGE_MS + 1), sweeper)).toBe(true);
    expect(isLeftover(ownerless(OWNERLESS_MAX_AGE_MS - 1), sweeper)).toBe(false);
  });
});
