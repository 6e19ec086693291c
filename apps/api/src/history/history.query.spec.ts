import { DATASETS } from './history.datasets';
import { buildSelect } from './history.query';

const squash = (sql: string) => sql.replace(/\s+/g, ' ');

describe('history query building', () => {
  it('selects every column (instants as µs), in key order, with only the predicates asked for', () => {
    const { sql, params } = buildSelect({ dataset: DATASETS['cell-load'], filters: {}, scope: { operators: 'all' } });
    expect(squash(sql)).toContain('SELECT t.cell_id AS "cellId", (extract(epoch FROM t.window_start) * 1000000)::int8 AS "windowStart",');
    expect(squash(sql)).toMatch(/FROM load\.cell_windows t ORDER BY t\.window_start, t\.cell_id$/);
    expect(sql).not.toContain('WHERE');
    expect(params).toEqual([]);
  });

  it('binds filters, the scope, a half-open range and the page (key after, limit + 1)', () => {
    const { sql, params } = buildSelect(
      { dataset: DATASETS['cell-load'], filters: { site: 'kt-a', cell: undefined }, scope: { operators: ['kt'] }, from: 1_795_737_600_000_000n, to: 1_795_741_200_000_001n },
      { after: ['1795737660000000', 'kt-a-c2'], limit: 100 },
    );
    expect(squash(sql)).toContain(
      'WHERE t.site_id = $1::text AND t.operator_id = ANY($2::text[]) AND t.window_start >= $3::timestamptz AND t.window_start < $4::timestamptz ' +
        'AND (t.window_start, t.cell_id) > ($5::timestamptz, $6::text) ORDER BY t.window_start, t.cell_id LIMIT $7::int',
    );
    expect(params).toEqual(['kt-a', ['kt'], '2026-11-27T00:00:00.000Z', '2026-11-27T01:00:00.000001Z', '2026-11-27T00:01:00.000Z', 'kt-a-c2', 101]);
  });

  it('pages revisions by (window, cell, revision) and dead letters by (time, uuid)', () => {
    expect(squash(buildSelect({ dataset: DATASETS['cell-load-revisions'], filters: {}, scope: { operators: 'all' } }, { after: ['1', 'c', '2'], limit: 5 }).sql)).toContain(
      'FROM load.cell_window_revisions t WHERE (t.window_start, t.cell_id, t.revision) > ($1::timestamptz, $2::text, $3::int4) ORDER BY t.window_start, t.cell_id, t.revision',
    );
    expect(squash(buildSelect({ dataset: DATASETS['dead-letters'], filters: {}, scope: { operators: 'all' } }, { after: ['1', '00000000-0000-0000-0000-000000000000'], limit: 5 }).sql)).toContain(
      '(t.received_at, t.event_id) > ($1::timestamptz, $2::uuid)',
    );
  });

  it('scopes rollups through the registry placement of the scope named', () => {
    const { sql, params } = buildSelect({ dataset: DATASETS.rollups, filters: { scope: 'site' }, scope: { operators: ['skt'] } });
    expect(squash(sql)).toContain(
      'WHERE t.scope = $1::text AND t.scope_id IN (SELECT r.id FROM api.registry_entities r WHERE r.type = $3::text AND r.operator_id = ANY($2::text[]))',
    );
    expect(params).toEqual(['site', ['skt'], 'site']);
  });

  it("places a partner's rows at any of its grants' operators, pilots or sites, and never an operator's totals at a site", () => {
    const partner = { operators: [] as string[], pilots: ['skt-pilot'], sites: ['kt-a'] };
    expect(squash(buildSelect({ dataset: DATASETS['cell-load'], filters: {}, scope: partner }).sql)).toContain('WHERE (t.pilot_id = ANY($1::text[]) OR t.site_id = ANY($2::text[]))');
    expect(squash(buildSelect({ dataset: DATASETS['cell-samples'], filters: {}, scope: partner }).sql)).toContain(
      "WHERE (t.site_id IN (SELECT r.id FROM api.registry_entities r WHERE r.type = 'site' AND r.body->>'pilotId' = ANY($1::text[])) OR t.site_id = ANY($2::text[]))",
    );
    expect(squash(buildSelect({ dataset: DATASETS.rollups, filters: { scope: 'pilot' }, scope: { ...partner, pilots: [] } }).sql)).toContain('WHERE t.scope = $1::text AND false');
    expect(squash(buildSelect({ dataset: DATASETS.rollups, filters: { scope: 'operator' }, scope: partner }).sql)).toContain('WHERE t.scope = $1::text AND false');
  });
});
