import { BOOKKEEPING_MAX_PENDING, BookkeepingQueue } from './bookkeeping.queue';

/** A Postgres stand-in that is down until `up` is set, recording each successful write's label. */
function database() {
  const db = { up: false, written: [] as string[], attempts: 0 };
  const write = (label: string) => async () => {
    db.attempts++;
    if (!db.up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    db.written.push(label);
  };
  return { db, write };
}

function queueWithLog() {
  const lines: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const log = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, msg, fields });
  const logger = { info: log('info'), warn: log('warn'), error: log('error') };
  return { queue: new BookkeepingQueue({ logger } as never), lines };
}

describe('BookkeepingQueue', () => {
  let queue: BookkeepingQueue;
  let lines: ReturnType<typeof queueWithLog>['lines'];
  beforeEach(() => ({ queue, lines } = queueWithLog()));
  afterEach(() => queue.onModuleDestroy());

  it('writes at once when Postgres takes it, keeping nothing', async () => {
    const { db, write } = database();
    db.up = true;
    await queue.write('liveness', write('a'));
    expect(db.written).toEqual(['a']);
    expect(queue.pendingWrites).toBe(0);
    expect(lines).toEqual([]);
  });

  it('never throws a failed write: keeps it, logs once, and stores it in order when Postgres is back', async () => {
    const { db, write } = database();
    await expect(queue.write('liveness', write('a'))).resolves.toBeUndefined();
    await queue.write('unknown identifiers', write('b'));
    expect(queue.pendingWrites).toBe(2);
    expect(lines.filter((l) => l.level === 'warn')).toEqual([{ level: 'warn', msg: expect.stringContaining('retrying'), fields: { what: 'liveness', err: 'connect ECONNREFUSED 127.0.0.1:5432' } }]);

    await queue.retry();
    expect(queue.pendingWrites).toBe(2);
    db.up = true;
    await queue.retry();
    expect(db.written).toEqual(['a', 'b']);
    expect(queue.pendingWrites).toBe(0);
    expect(lines.at(-1)).toEqual({ level: 'info', msg: 'bookkeeping writes retried and stored', fields: { written: 2, dropped: 0 } });
  });

  it('stops a retry at the first write that fails again, keeping it and everything after it', async () => {
    const { db, write } = database();
    await queue.write('liveness', write('a'));
    await queue.write('liveness', write('b'));
    const attempts = db.attempts;
    await queue.retry();
    expect(db.attempts - attempts).toBe(1);
    expect(queue.pendingWrites).toBe(2);
  });

  it('keeps at most BOOKKEEPING_MAX_PENDING, dropping the oldest: the first drop of an outage logged, all counted', async () => {
    const { db, write } = database();
    for (let i = 0; i < BOOKKEEPING_MAX_PENDING + 3; i++) await queue.write('liveness', write(`w${i}`));
    expect(queue.pendingWrites).toBe(BOOKKEEPING_MAX_PENDING);
    expect(lines.filter((l) => l.level === 'error')).toEqual([{ level: 'error', msg: 'bookkeeping write dropped: too many waiting', fields: { what: 'liveness', pending: BOOKKEEPING_MAX_PENDING } }]);
    db.up = true;
    await queue.retry();
    expect(db.written[0]).toBe('w3');
    expect(db.written).toHaveLength(BOOKKEEPING_MAX_PENDING);
    expect(lines.at(-1)?.fields).toEqual({ written: BOOKKEEPING_MAX_PENDING, dropped: 3 });
  });

  it('runs one retry at a time: a second call joins the one under way', async () => {
    const { db, write } = database();
    await queue.write('liveness', write('a'));
    db.up = true;
    await Promise.all([queue.retry(), queue.retry()]);
    expect(db.written).toEqual(['a']);
  });
});
