import { generateApiKey, type Principal } from './api-key';
import { type PrincipalLookup, bearerToken, requestPrincipal } from './api-key.guard';

describe('bearerToken', () => {
  it('reads the token whatever the case of the scheme name, around extra spaces', () => {
    for (const header of ['Bearer abc', 'bearer abc', 'BEARER abc', 'bEaReR \t abc  ', '  Bearer abc']) expect([header, bearerToken(header)]).toEqual([header, 'abc']);
  });

  it('finds none in another scheme, an empty token or no header', () => {
    for (const header of ['Basic YTpi', 'Bearer', 'Bearer   ', 'Bearerabc', '', undefined, ['Bearer abc']]) expect(bearerToken(header)).toBeUndefined();
  });
});

describe('requestPrincipal', () => {
  const issued = generateApiKey();
  const principal: Principal = { keyId: issued.id, role: 'operator', subject: 'skt' };
  const lookup = () => {
    const asked: string[] = [];
    const keys: PrincipalLookup = { findActive: async (key) => (asked.push(key), key === issued.key ? principal : undefined) };
    return { keys, asked };
  };

  it('looks a request\'s key up once, however often it is asked (rate limiting, then the guard)', async () => {
    const { keys, asked } = lookup();
    const request = { headers: { authorization: `Bearer ${issued.key}` } };
    expect(await requestPrincipal(request, keys)).toEqual(principal);
    expect(await requestPrincipal(request, keys)).toEqual(principal);
    expect(asked).toEqual([issued.key]);
    expect(await requestPrincipal({ headers: { authorization: `Bearer ${issued.key}` } }, keys)).toEqual(principal);
    expect(asked).toHaveLength(2);
  });

  it('finds none for a wrong secret, and asks nothing for a missing or malformed key', async () => {
    const { keys, asked } = lookup();
    const wrongSecret = `airan_${issued.id}_${'x'.repeat(43)}`;
    expect(await requestPrincipal({ headers: { authorization: `Bearer ${wrongSecret}` } }, keys)).toBeUndefined();
    expect(await requestPrincipal({ headers: {} }, keys)).toBeUndefined();
    expect(await requestPrincipal({ headers: { authorization: 'Bearer not-a-key' } }, keys)).toBeUndefined();
    expect(asked).toEqual([wrongSecret]);
  });
});
