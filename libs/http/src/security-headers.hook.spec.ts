import { FastifyAdapter } from '@nestjs/platform-fastify';
import { registerSecurityHeaders } from './security-headers.hook';

// Over HTTPS the answer also carries HSTS: test/https.e2e-spec.ts, which serves a real certificate.
describe('security headers over plain HTTP', () => {
  const app = new FastifyAdapter().getInstance();

  beforeAll(async () => {
    registerSecurityHeaders(app);
    app.get('/health/live', async () => ({ status: 'ok' }));
    await app.ready();
  });

  afterAll(() => app.close());

  it('sends the usual headers but no HSTS, which a browser would ignore over HTTP anyway', async () => {
    const { headers } = await app.inject({ method: 'GET', url: '/health/live' });
    expect([headers['x-content-type-options'], headers['strict-transport-security']]).toEqual(['nosniff', undefined]);
  });
});
