import { KILLABLE, chaosSchedule } from './chaos-schedule';

describe('chaosSchedule', () => {
  const options = { seed: 42, durationMs: 600_000, quietMs: 30_000, kills: 50, brokerRestarts: 5, postgresRestarts: 1 };

  it('is a function of its seed: the same seed replays the same faults, another seed gives others', () => {
    expect(chaosSchedule(options)).toEqual(chaosSchedule(options));
    expect(chaosSchedule({ ...options, seed: 43 })).not.toEqual(chaosSchedule(options));
  });

  it('holds exactly the faults asked for, sorted, inside the faulty span', () => {
    const faults = chaosSchedule(options);
    expect(faults.filter((f) => f.kind === 'kill')).toHaveLength(50);
    expect(faults.filter((f) => f.kind === 'broker')).toHaveLength(5);
    expect(faults.filter((f) => f.kind === 'postgres')).toHaveLength(1);
    expect(faults.map((f) => f.atMs)).toEqual([...faults.map((f) => f.atMs)].sort((a, b) => a - b));
    for (const f of faults) {
      expect(f.atMs).toBeGreaterThanOrEqual(30_000);
      expect(f.atMs).toBeLessThanOrEqual(570_000);
    }
  });

  it('kills every service equally often (±1)', () => {
    const counts = KILLABLE.map((s) => chaosSchedule({ ...options, kills: 52 }).filter((f) => f.kind === 'kill' && f.service === s).length);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(52);
  });

  it('spaces infrastructure restarts at least a quarter slot apart and alternates graceful and hard broker stops', () => {
    const infra = chaosSchedule(options).filter((f) => f.kind !== 'kill');
    const slot = 540_000 / infra.length;
    for (let i = 1; i < infra.length; i++) expect(infra[i].atMs - infra[i - 1].atMs).toBeGreaterThanOrEqual(slot / 2);
    expect(infra.flatMap((f) => (f.kind === 'broker' ? [f.hard] : []))).toEqual([false, true, false, true, false]);
  });

  it('refuses a duration with no room for faults', () => {
    expect(() => chaosSchedule({ ...options, durationMs: 60_000 })).toThrow(RangeError);
  });
});
