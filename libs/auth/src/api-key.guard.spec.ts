import { bearerToken } from './api-key.guard';

describe('bearerToken', () => {
  it('reads the token whatever the case of the scheme name, around extra spaces', () => {
    for (const header of ['Bearer abc', 'bearer abc', 'BEARER abc', 'bEaReR \t abc  ', '  Bearer abc']) expect([header, bearerToken(header)]).toEqual([header, 'abc']);
  });

  it('finds none in another scheme, an empty token or no header', () => {
    for (const header of ['Basic YTpi', 'Bearer', 'Bearer   ', 'Bearerabc', '', undefined, ['Bearer abc']]) expect(bearerToken(header)).toBeUndefined();
  });
});
