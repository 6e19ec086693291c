import type { SafeParseReturnType } from 'zod';
import { zodIssuePaths } from '@airan/http';
import { eventMatcher } from './stream-products';
import { STREAM_QUERY_SCHEMAS, streamPositionSchema } from './streams.schemas';

const issues = (result: SafeParseReturnType<unknown, unknown>) => (result.success ? [] : zodIssuePaths(result.error.issues, 'query'));

describe('stream query schemas', () => {
  it('take each product its own filters and a position', () => {
    expect(STREAM_QUERY_SCHEMAS.alerts.parse({ operator: 'skt', pilot: 'p1', site: 's', cell: 'c', severity: 'critical', lastEventId: '0:1.1:2.2:3' })).toMatchObject({ severity: 'critical' });
    expect(STREAM_QUERY_SCHEMAS['cell-load'].parse({ operator: 'skt', pilot: 'p1', site: 's', cell: 'c' })).toMatchObject({ cell: 'c' });
    expect(STREAM_QUERY_SCHEMAS.telemetry.parse({ operator: 'skt', site: 's' })).toMatchObject({ site: 's' });
  });

  it('refuse a filter the product does not have, naming it', () => {
    expect(issues(STREAM_QUERY_SCHEMAS['cell-load'].safeParse({ severity: 'critical' }))).toEqual([{ path: 'query.severity', code: 'UNKNOWN_FIELD', message: 'unknown field' }]);
    expect(issues(STREAM_QUERY_SCHEMAS.telemetry.safeParse({ cell: 'c', pilot: 'p' })).map((i) => i.path)).toEqual(['query.cell', 'query.pilot']);
  });

  it('refuse empty or overlong values and malformed positions, naming them', () => {
    expect(issues(STREAM_QUERY_SCHEMAS.alerts.safeParse({ site: '', cell: 'c'.repeat(129), lastEventId: 'abc' })).map((i) => i.path)).toEqual(['query.site', 'query.cell', 'query.lastEventId']);
    expect(streamPositionSchema.safeParse('0:1.1:2').success).toBe(true);
    expect(streamPositionSchema.safeParse('00000000-0000-4000-8000-000000000000').success).toBe(false);
  });
});

describe('eventMatcher', () => {
  const alert = (labels: Record<string, string>) => ({ labels });

  it('matches every filter, on the attributes of the product', () => {
    const matches = eventMatcher('alerts', 'all', { site: 's1', severity: 'critical' });
    expect(matches(alert({ site: 's1', severity: 'critical' }))).toBe(true);
    expect(matches(alert({ site: 's1', severity: 'warning' }))).toBe(false);
    expect(eventMatcher('cell-load', 'all', { cell: 'c1', pilot: 'p1' })({ cellId: 'c1', pilotId: 'p1' })).toBe(true);
    expect(eventMatcher('telemetry', 'all', { site: 's1' })({ siteId: 's2' })).toBe(false);
  });

  it('keeps to the scope: only the listed operators, and events without an operator never', () => {
    const skt = eventMatcher('alerts', ['skt'], {});
    expect([skt(alert({ operator: 'skt' })), skt(alert({ operator: 'kt' })), skt(alert({}))]).toEqual([true, false, false]);
    expect(eventMatcher('telemetry', ['kt'], {})({ operatorId: 'kt' })).toBe(true);
  });

  it('matches nothing that is not an object (a value that decoded to a string or null)', () => {
    expect(eventMatcher('alerts', ['skt'], {})('text')).toBe(false);
    expect(eventMatcher('alerts', 'all', { site: 's' })(null)).toBe(false);
  });
});
