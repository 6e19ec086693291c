import { groupKey, groupLabels } from './grouping';

describe('groupLabels', () => {
  it('keeps only the groupBy labels the alert has, including an empty value', () => {
    expect(groupLabels(['alertname', 'site', 'cluster'], { alertname: 'X', site: 's1', cell: 'c1' })).toEqual({ alertname: 'X', site: 's1' });
    expect(groupLabels(['site'], { site: '' })).toEqual({ site: '' });
    expect(groupLabels(['constructor'], {})).toEqual({});
  });
});

describe('groupKey', () => {
  it('prints the root route and the label set as Prometheus does, names sorted', () => {
    expect(groupKey({ site: 'skt-1', alertname: 'InferenceLoadHigh' })).toBe('{}:{alertname="InferenceLoadHigh", site="skt-1"}');
    expect(groupKey({})).toBe('{}:{}');
  });

  it.each([
    ['quote " and backslash \\', String.raw`"quote \" and backslash \\"`],
    ['\x07\b\f\n\r\t\v', String.raw`"\a\b\f\n\r\t\v"`],
    ['\x00\x1b\x7f', String.raw`"\x00\x1b\x7f"`],
    ['Zürich 東京 😀 €', '"Zürich 東京 😀 €"'],
    ['no\u00a0break\u200bzero\u2028line', String.raw`"no\u00a0break\u200bzero\u2028line"`],
    ['\ue000\u{10fffd}', String.raw`"\ue000\U0010fffd"`],
    ['lone \ud800', '"lone \ufffd"'],
  ])('quotes %j like Go %%q', (value, quoted) => {
    expect(groupKey({ v: value })).toBe(`{}:{v=${quoted}}`);
  });
});
