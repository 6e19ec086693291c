import { parseMatcher } from './matchers';
import type { Silence } from './rule.model';
import { activeSilences, silencesEndingOnResolve } from './silences';

const silence = (id: string, matchers: string[], fields: Partial<Silence> = {}): Silence => ({
  id,
  matchers: matchers.map(parseMatcher),
  startsAt: 1_000,
  endsAt: 2_000,
  createdBy: 'ops@example.com',
  comment: 'maintenance',
  endsOnResolve: false,
  ...fields,
});

describe('activeSilences', () => {
  const all = [silence('site', ['site="s1"']), silence('cell', ['site="s1"', 'cell="c2"']), silence('other', ['site="s2"'])];
  const labels = { alertname: 'InferenceLoadHigh', site: 's1', cell: 'c1' };

  it('is active from startsAt (inclusive) to endsAt (exclusive)', () => {
    expect([999, 1_000, 1_999, 2_000].map((now) => activeSilences(all, labels, now))).toEqual([[], ['site'], ['site'], []]);
  });

  it('needs every matcher to match', () => {
    expect(activeSilences(all, { ...labels, cell: 'c2' }, 1_500)).toEqual(['site', 'cell']);
    expect(activeSilences(all, { site: 's3' }, 1_500)).toEqual([]);
  });
});

describe('silencesEndingOnResolve', () => {
  it('lists only the active endsOnResolve silences on these labels', () => {
    const all = [
      silence('until-resolved', ['cell="c1"'], { endsOnResolve: true }),
      silence('timed', ['cell="c1"']),
      silence('other-cell', ['cell="c2"'], { endsOnResolve: true }),
      silence('expired', ['cell="c1"'], { endsOnResolve: true, endsAt: 1_200 }),
    ];
    expect(silencesEndingOnResolve(all, { cell: 'c1' }, 1_500)).toEqual(['until-resolved']);
  });
});
