import { booleans, numbers, texts } from './pg-arrays';

describe('Postgres array literals', () => {
  it('writes numbers in their shortest round-trip form, null and undefined as NULL', () => {
    expect(numbers([1, 0.1 + 0.2, -0, 1e21, 220.5, 1795754600123, null, undefined])).toBe('{1,0.30000000000000004,0,1e+21,220.5,1795754600123,NULL,NULL}');
    expect(numbers([])).toBe('{}');
  });

  it('quotes every text, escapes quotes and backslashes, and keeps NULL apart from the string "NULL"', () => {
    expect(texts(['cell-A', 'a"b', 'c\\d', 'NULL', '', 'x,y {z}', null, undefined])).toBe('{"cell-A","a\\"b","c\\\\d","NULL","","x,y {z}",NULL,NULL}');
    expect(texts(['ü 😀'])).toBe('{"ü 😀"}');
  });

  it('writes booleans as t and f', () => {
    expect(booleans([true, false, true])).toBe('{t,f,t}');
    expect(booleans([])).toBe('{}');
  });
});
