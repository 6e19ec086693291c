import { DATASETS } from '../history/history.datasets';
import { csvField, csvValue } from './csv.encoder';

const column = (name: string) => DATASETS['dead-letters'].columns.find((c) => c.name === name)!;

describe('CSV per RFC 4180', () => {
  it('quotes fields with commas, quotes or line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField('lf\n')).toBe('"lf\n"');
  });

  it('keeps NULL (empty field) apart from the empty string ("")', () => {
    expect(csvValue(column('siteId'), null)).toBe('');
    expect(csvValue(column('siteId'), '')).toBe('""');
  });

  it('writes instants as ISO 8601, JSON as quoted JSON text, numbers exactly', () => {
    expect(csvValue(column('receivedAt'), '1795737600123456')).toBe('2026-11-27T00:00:00.123456Z');
    expect(csvValue(column('errors'), [{ path: '$.a', code: 'X' }])).toBe('"[{""path"":""$.a"",""code"":""X""}]"');
    expect(csvValue(column('rawTruncatedBytes'), 1_048_577)).toBe('1048577');
    const coverage = DATASETS['cell-load'].columns.find((c) => c.name === 'coverage')!;
    expect(csvValue(coverage, 0.1 + 0.2)).toBe('0.30000000000000004');
    const tokens = DATASETS['cell-load'].columns.find((c) => c.name === 'tokens')!;
    expect(csvValue(tokens, '9007199254740993')).toBe('9007199254740993');
  });
});
