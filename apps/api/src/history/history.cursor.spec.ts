import { HistoryError } from './history.errors';
import { bindingOf, encodeCursor } from '../paging/keyset.cursor';
import { decodeHistoryCursor as decodeCursor } from './history.cursor';
import { DATASETS } from './history.datasets';

const cellLoad = DATASETS['cell-load'];
const binding = bindingOf('cell-load', { site: 'kt-a', from: 1n, to: undefined });

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryError);
    return { code: (error as HistoryError).code, details: (error as HistoryError).details };
  }
  throw new Error('not refused');
}

describe('history cursors', () => {
  it('round-trips the last key and stays opaque (base64url)', () => {
    const text = encodeCursor({ after: ['1795737600000000', 'kt-a-c1'], binding });
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text, cellLoad, binding)).toEqual(['1795737600000000', 'kt-a-c1']);
  });

  it('refuses a cursor of another query with query.cursor', () => {
    const other = encodeCursor({ after: ['1', 'c'], binding: bindingOf('cell-load', { site: 'other' }) });
    expect(refusal(() => decodeCursor(other, cellLoad, binding))).toEqual({
      code: 'INVALID_QUERY',
      details: [{ path: 'query.cursor', code: 'INVALID_VALUE', message: 'the cursor belongs to a query with other filters or another time range' }],
    });
  });

  it.each([
    ['not base64 JSON', 'bm90IGpzb24'],
    ['another version', Buffer.from(JSON.stringify({ v: 2, a: ['1', 'c'], b: binding })).toString('base64url')],
    ['a key of the wrong length', encodeCursor({ after: ['1'], binding })],
    ['a non-numeric instant', encodeCursor({ after: ['yesterday', 'c'], binding })],
    ['an instant past year 9999', encodeCursor({ after: ['253402300800000000', 'c'], binding })],
    ['a non-string key value', Buffer.from(JSON.stringify({ v: 1, a: [1, 'c'], b: binding })).toString('base64url')],
  ])('refuses %s as malformed', (_what, text) => {
    expect(refusal(() => decodeCursor(text, cellLoad, binding))).toEqual({ code: 'INVALID_QUERY', details: [{ path: 'query.cursor', code: 'INVALID_VALUE', message: 'not a cursor issued by this api' }] });
  });

  it('checks int and uuid key parts (revision, event id)', () => {
    const revisions = DATASETS['cell-load-revisions'];
    const b = bindingOf(revisions.name, {});
    expect(decodeCursor(encodeCursor({ after: ['1', 'c', '3'], binding: b }), revisions, b)).toEqual(['1', 'c', '3']);
    expect(refusal(() => decodeCursor(encodeCursor({ after: ['1', 'c', '99999999999'], binding: b }), revisions, b))).toMatchObject({ code: 'INVALID_QUERY' });
    const letters = DATASETS['dead-letters'];
    const d = bindingOf(letters.name, {});
    expect(refusal(() => decodeCursor(encodeCursor({ after: ['1', 'not-a-uuid'], binding: d }), letters, d))).toMatchObject({ code: 'INVALID_QUERY' });
  });
});
