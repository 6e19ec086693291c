import type { AlertEvent } from '@airan/contracts';
import type { AlertReadRepository } from './alert-read.repository';
import { GetAlertHistoryUseCase } from './get-alert-history.use-case';

const FP = '00ff00ff00ff00ff';
/** Five events of one alert, oldest first. */
const EVENTS = [1, 2, 3, 4, 5].map((n) => ({ id: `e${n}`, fingerprint: FP }) as AlertEvent);

/** The repository's history query over EVENTS: newest first, before the cursor, at most `limit`. */
const repository = {
  position: async (id: string) => (EVENTS.some((e) => e.id === id) ? { fingerprint: FP, seq: Number(id.slice(1)) } : undefined),
  history: async (fingerprint: string, limit: number, before?: string) =>
    fingerprint !== FP ? [] : EVENTS.slice(0, before ? EVENTS.findIndex((e) => e.id === before) : EVENTS.length).reverse().slice(0, limit),
} as unknown as AlertReadRepository;

describe('GetAlertHistoryUseCase', () => {
  const history = new GetAlertHistoryUseCase(repository);
  const ids = (events: AlertEvent[]) => events.map((e) => e.id);

  it('pages back from the latest events, each page oldest first', async () => {
    const latest = await history.execute(FP, 2);
    expect([ids(latest.events), latest.next]).toEqual([['e4', 'e5'], 'e4']);
    const older = await history.execute(FP, 2, latest.next!);
    expect([ids(older.events), older.next]).toEqual([['e2', 'e3'], 'e2']);
    const oldest = await history.execute(FP, 2, older.next!);
    expect([ids(oldest.events), oldest.next]).toEqual([['e1'], null]);
  });

  it('a page holding everything has no next', async () => {
    expect(await history.execute(FP, 5)).toMatchObject({ next: null });
  });

  it('an alert without events is ALERT_NOT_FOUND', async () => {
    await expect(history.execute('1111111111111111', 10)).rejects.toMatchObject({ code: 'ALERT_NOT_FOUND' });
  });

  it('a cursor that is not an event of this alert is INVALID_QUERY on query.before', async () => {
    await expect(history.execute('1111111111111111', 10, 'e3')).rejects.toMatchObject({ code: 'INVALID_QUERY', details: [{ path: 'query.before' }] });
    await expect(history.execute(FP, 10, 'e9')).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });

  it('the page before the oldest event is empty, not a 404', async () => {
    expect(await history.execute(FP, 10, 'e1')).toEqual({ events: [], next: null });
  });
});
