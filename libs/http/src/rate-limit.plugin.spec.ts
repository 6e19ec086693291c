import type { FastifyRequest } from 'fastify';
import { generateApiKey, type PrincipalLookup } from '@airan/auth';
import { rateLimitKey } from './rate-limit.plugin';

const issued = generateApiKey();
const keys: PrincipalLookup = { findActive: async (key) => (key === issued.key ? { keyId: issued.id, role: 'ops', subject: 'noc' } : undefined) };
const request = (ip: string, authorization?: string) => ({ ip, headers: authorization ? { authorization } : {} }) as unknown as FastifyRequest;

describe('rateLimitKey', () => {
  it("counts a request by its key's id once the key is proven, whatever address it comes from", async () => {
    expect(await rateLimitKey(request('192.0.2.1', `Bearer ${issued.key}`), keys)).toBe(`key:${issued.id}`);
    expect(await rateLimitKey(request('192.0.2.2', `bearer ${issued.key}`), keys)).toBe(`key:${issued.id}`);
  });

  it("counts a request without a valid key by its address: a key's public id with another secret spends nothing of that key's budget", async () => {
    expect(await rateLimitKey(request('192.0.2.1'), keys)).toBe('address:192.0.2.1');
    expect(await rateLimitKey(request('192.0.2.1', `Bearer airan_${issued.id}_${'A'.repeat(43)}`), keys)).toBe('address:192.0.2.1');
    expect(await rateLimitKey(request('192.0.2.1', 'Bearer garbage'), keys)).toBe('address:192.0.2.1');
    // An app without keys (load) counts every request by address.
    expect(await rateLimitKey(request('192.0.2.1', `Bearer ${issued.key}`), undefined)).toBe('address:192.0.2.1');
  });

  it('counts IPv6 clients per /64 and IPv4-mapped ones as IPv4', async () => {
    expect(await rateLimitKey(request('2001:db8:1:2:aaaa::1'), keys)).toBe(await rateLimitKey(request('2001:db8:1:2:bbbb::2'), keys));
    expect(await rateLimitKey(request('2001:db8:1:3::1'), keys)).not.toBe(await rateLimitKey(request('2001:db8:1:2::1'), keys));
    expect(await rateLimitKey(request('::ffff:192.0.2.1'), keys)).toBe('address:192.0.2.1');
  });
});
