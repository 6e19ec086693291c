import { siteHealthOf } from './get-ingest-health.use-case';
import { ingestHealthQuerySchema } from './ingest-health.openapi';
import { buildHealthQuery } from './ingest-health.query';

const squash = (sql: string) => sql.replace(/\s+/g, ' ');
const FROM = Date.parse('2026-11-27T00:00:00Z');
const TO = Date.parse('2026-11-27T00:15:00Z');

describe('ingest health query building', () => {
  it('reads every site for ops, binding only the window (and the dead-letter limit)', () => {
    const { sql, params } = buildHealthQuery({ scope: { operators: 'all' }, from: FROM, to: TO });
    expect(squash(sql)).toContain(`FROM api.registry_entities r WHERE r.type = 'site' )`);
    expect(squash(sql)).toContain('FROM load.cell_samples WHERE received_at >= $1::timestamptz AND received_at < $2::timestamptz UNION ALL');
    expect(squash(sql)).toContain('FROM load.gpu_samples WHERE received_at >= $1::timestamptz AND received_at < $2::timestamptz');
    expect(squash(sql)).toMatch(/ORDER BY s\.site_id$/);
    expect(params).toEqual(['2026-11-27T00:00:00.000Z', '2026-11-27T00:15:00.000Z', 5]);
  });

  it('binds the scope and each filter given, as parameters only', () => {
    const { sql, params } = buildHealthQuery({ scope: { operators: ['kt'] }, pilot: "kt'; DROP TABLE x; --", site: 'kt-a', from: FROM, to: TO });
    expect(squash(sql)).toContain(`WHERE r.type = 'site' AND r.operator_id = ANY($3::text[]) AND r.body->>'pilotId' = $4::text AND r.id = $5::text )`);
    expect(sql).not.toContain('DROP TABLE');
    expect(params).toEqual(['2026-11-27T00:00:00.000Z', '2026-11-27T00:15:00.000Z', ['kt'], "kt'; DROP TABLE x; --", 'kt-a', 5]);
  });

  it("counts samples and dead letters under a site only when the site's own operator sent them", () => {
    const sql = squash(buildHealthQuery({ scope: { operators: 'all' }, from: FROM, to: TO }).sql);
    expect(sql).toContain('WHERE (w.site_id, w.operator_id) IN (SELECT site_id, operator_id FROM sites)');
    expect(sql).toContain('AND (d.site_id, d.operator_id) IN (SELECT site_id, operator_id FROM sites)');
    expect(sql).toContain('d.site_id = s.site_id AND d.operator_id = s.operator_id');
  });
});

describe('ingest health rows', () => {
  it('gives instants as ISO 8601 (µs kept), counts as numbers and rates per minute of the window', () => {
    const site = siteHealthOf(
      {
        siteId: 'kt-a',
        operatorId: 'kt',
        pilotId: null,
        lastSeenAt: '1795737600123456',
        lastSampleTs: '1795737600000000',
        accepted: '45',
        rejected: '3',
        recentDeadLetters: [
          { eventId: 'e1', receivedAt: '1795737600500000', format: 'native', reason: 'OUT_OF_RANGE', firstError: { path: '$.records[1].utilPct', code: 'OUT_OF_RANGE', message: 'must be <= 100' } },
          { eventId: 'e2', receivedAt: '1795737600400000', format: 'ves', reason: 'UNMAPPED', firstError: null },
        ],
      },
      15,
    );
    expect(site).toEqual({
      siteId: 'kt-a',
      operatorId: 'kt',
      pilotId: null,
      lastSeenAt: '2026-11-27T00:00:00.123456Z',
      lastSampleTs: '2026-11-27T00:00:00.000Z',
      accepted: { samples: 45, perMinute: 3 },
      rejected: { records: 3, perMinute: 0.2 },
      recentDeadLetters: [
        { eventId: 'e1', receivedAt: '2026-11-27T00:00:00.500Z', format: 'native', reason: 'OUT_OF_RANGE', firstError: { path: '$.records[1].utilPct', code: 'OUT_OF_RANGE', message: 'must be <= 100' } },
        { eventId: 'e2', receivedAt: '2026-11-27T00:00:00.400Z', format: 'ves', reason: 'UNMAPPED', firstError: null },
      ],
    });
  });

  it('a site never heard from: null times, zero counts', () => {
    expect(siteHealthOf({ siteId: 's', operatorId: 'o', pilotId: 'p', lastSeenAt: null, lastSampleTs: null, accepted: '0', rejected: '0', recentDeadLetters: [] }, 60)).toMatchObject({
      lastSeenAt: null,
      lastSampleTs: null,
      accepted: { samples: 0, perMinute: 0 },
      rejected: { records: 0, perMinute: 0 },
    });
  });
});

describe('ingest health query parameters', () => {
  const issues = (query: Record<string, string>) => {
    const parsed = ingestHealthQuerySchema.safeParse(query);
    return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
  };

  it('defaults the window to 15 minutes and takes 1..1440 whole minutes', () => {
    expect(ingestHealthQuerySchema.parse({})).toEqual({ window: 15 });
    expect(ingestHealthQuerySchema.parse({ window: '1440', operator: 'kt' })).toEqual({ window: 1440, operator: 'kt' });
    for (const window of ['0', '1441', 'abc', '1.5', '-3', '']) expect(issues({ window })).toEqual(['window']);
  });

  it('refuses malformed ids and unknown parameters', () => {
    expect(issues({ site: '!' })).toEqual(['site']);
    expect(issues({ limit: '5' })).toEqual(['']);
  });
});
