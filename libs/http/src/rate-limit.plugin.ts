import { fastifyRateLimit, normalizeIP } from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { type AuthenticatedRequest, type PrincipalLookup, requestPrincipal } from '@airan/auth';
import { PROBE_ROUTES } from '@airan/observability';
import { RateLimitError } from './rate-limit.errors';

export interface RateLimitSettings {
  /** Requests per window per caller (RATE_LIMIT_MAX). */
  readonly max: number;
  readonly windowMs: number;
}

/** Probes and scrapers are exempt: a limited address must still be seen alive and measured. */
const EXEMPT_ROUTES = new Set<string>(Object.values(PROBE_ROUTES));

/**
 * Whose budget a request spends: its key's id once the key is proven (never the secret), else its
 * client address. A made-up or wrong secret is counted by address, so knowing a key's public id is
 * not enough to spend that key's budget. IPv6 addresses count per /64, as one client holds a whole one.
 */
export async function rateLimitKey(request: FastifyRequest, keys: PrincipalLookup | undefined): Promise<string> {
  const principal = keys && (await requestPrincipal(request as unknown as AuthenticatedRequest, keys));
  // So the access-log line of a refused (429) request names its key, as it does for a 403.
  if (principal) (request as unknown as AuthenticatedRequest).principal = principal;
  return principal ? `key:${principal.keyId}` : `address:${normalizeIP(request.ip)}`;
}

/**
 * Rate limiting of every route but the probes, with @fastify/rate-limit: a fixed window per caller in
 * the process's memory (each instance counts its own callers). It runs before the body is read. Over
 * the budget a request fails with RATE_LIMITED, answered by the one HTTP error mapper (429, the
 * project's error body or the route's own, Retry-After); the plugin adds the RateLimit-* headers.
 * Register before the app's routes (the plugin hooks routes as they are added).
 */
export async function registerRateLimit(app: NestFastifyApplication, settings: RateLimitSettings, keys: PrincipalLookup | undefined): Promise<void> {
  await app.register(fastifyRateLimit, {
    max: settings.max,
    timeWindow: settings.windowMs,
    // Entries are callers; the least recently seen go first when this many are counted.
    cache: 10_000,
    enableDraftSpec: true,
    allowList: (request) => EXEMPT_ROUTES.has(request.routeOptions.url ?? ''),
    keyGenerator: (request) => rateLimitKey(request, keys),
    errorResponseBuilder: (_request, context) =>
      new RateLimitError('RATE_LIMITED', `more than ${context.max} requests in ${settings.windowMs} ms; retry in ${context.after}`, { limit: context.max, windowMs: settings.windowMs }, Math.max(1, Math.ceil(context.ttl / 1000))),
  });
}
