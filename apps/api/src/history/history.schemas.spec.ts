import { EXPORT_QUERY_SCHEMAS } from '../exports/exports.schemas';
import type { QuerySchema } from '../openapi/route.declaration';
import { ParamsError } from '../params/params.errors';
import { validateRouteInput } from '../params/route-input.pipe';
import { HISTORY_QUERY_SCHEMAS } from './history.schemas';

/** A query as the api's one validation pipe reads it. */
const parseQuery = (query: QuerySchema, raw: unknown) =>
  validateRouteInput({ method: 'GET', path: '/', summary: '', access: 'public', query, responses: { 200: { description: '' } }, errors: [] }, { query: raw }).query;

function details(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ParamsError);
    expect((error as ParamsError).code).toBe('INVALID_QUERY');
    return (error as ParamsError).details;
  }
  throw new Error('accepted');
}

describe('history and export query parameters', () => {
  const cellLoad = HISTORY_QUERY_SCHEMAS['cell-load'];

  it('defaults limit to 100 and revisions to latest; reads instants as µs', () => {
    expect(parseQuery(cellLoad, { from: '2026-11-27T00:00:00Z' })).toEqual({ from: 1_795_737_600_000_000n, limit: 100, revisions: 'latest' });
    expect(parseQuery(cellLoad, { limit: '1000', revisions: 'all' })).toMatchObject({ limit: 1000, revisions: 'all' });
  });

  it.each([
    [{ limit: '0' }, 'query.limit'],
    [{ limit: '1001' }, 'query.limit'],
    [{ limit: '2.5' }, 'query.limit'],
    [{ limit: 'many' }, 'query.limit'],
    [{ from: '2026-11-27' }, 'query.from'],
    [{ to: 'yesterday' }, 'query.to'],
    [{ from: '2026-11-27T01:00:00Z', to: '2026-11-27T00:00:00Z' }, 'query.from'],
    [{ cursor: 'not a cursor!' }, 'query.cursor'],
    [{ site: ['a', 'b'] }, 'query.site'],
    [{ revisions: 'some' }, 'query.revisions'],
    [{ colour: 'blue' }, 'query.colour'],
  ])('refuses %j naming %s', (raw, path) => {
    expect(details(() => parseQuery(cellLoad, raw))).toEqual([expect.objectContaining({ path })]);
  });

  it('an empty range (from = to) is a valid, empty query', () => {
    expect(parseQuery(cellLoad, { from: '2026-11-27T00:00:00Z', to: '2026-11-27T00:00:00Z' })).toMatchObject({ limit: 100 });
  });

  it('takes only each route’s own filters', () => {
    expect(details(() => parseQuery(HISTORY_QUERY_SCHEMAS['cell-samples'], { pilot: 'p' }))).toEqual([expect.objectContaining({ path: 'query.pilot', code: 'UNKNOWN_FIELD' })]);
    expect(details(() => parseQuery(HISTORY_QUERY_SCHEMAS.rollups, {}))).toEqual([expect.objectContaining({ path: 'query.scope', code: 'MISSING_FIELD' })]);
  });

  it('exports require a time range of at most 31 days, and take no cursor or limit', () => {
    const samples = EXPORT_QUERY_SCHEMAS['cell-samples'];
    expect(details(() => parseQuery(samples, {}))).toEqual([expect.objectContaining({ path: 'query.from', code: 'MISSING_FIELD' }), expect.objectContaining({ path: 'query.to', code: 'MISSING_FIELD' })]);
    expect(details(() => parseQuery(samples, { from: '2026-11-01T00:00:00Z', to: '2026-12-02T00:00:00.000001Z' }))).toEqual([expect.objectContaining({ path: 'query.to', message: 'at most 31 days after from' })]);
    expect(parseQuery(samples, { from: '2026-11-01T00:00:00Z', to: '2026-12-02T00:00:00Z' })).toEqual({ from: 1_793_491_200_000_000n, to: 1_796_169_600_000_000n });
    expect(details(() => parseQuery(samples, { from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', limit: '5', cursor: 'x' }))).toEqual([
      expect.objectContaining({ path: 'query.limit', code: 'UNKNOWN_FIELD' }),
      expect.objectContaining({ path: 'query.cursor', code: 'UNKNOWN_FIELD' }),
    ]);
    expect(details(() => parseQuery(samples, { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }))).toEqual([expect.objectContaining({ path: 'query.from', message: 'from is after to' })]);
  });
});
