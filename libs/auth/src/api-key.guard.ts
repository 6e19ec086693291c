import { type CanActivate, type ExecutionContext, type Provider, SetMetadata } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { IS_PUBLIC } from '@airan/observability';
import { apiKeyId, type Principal, type Role } from './api-key';
import { AuthError } from './auth.errors';

const ROLES_KEY = 'airan:roles';
/** Restricts a route or controller to the given roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const API_KEY_REPOSITORY = Symbol('API_KEY_REPOSITORY');

/** Finds the active principal of a presented key (by its hash), wherever keys are kept. */
export interface PrincipalLookup {
  findActive(key: string): Promise<Principal | undefined>;
}

/** The request's authenticated caller, set by the guard. */
export type AuthenticatedRequest = { headers: Record<string, string | string[] | undefined>; principal?: Principal };

/** Bearer API-key authentication on every route not marked @Public, and role checks from @Roles. */
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: PrincipalLookup,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!bearerToken(request.headers.authorization)) throw new AuthError('MISSING_CREDENTIALS', 'Authorization: Bearer <api key> is required');
    const principal = await requestPrincipal(request, this.keys);
    if (!principal) throw new AuthError('INVALID_CREDENTIALS', 'API key is unknown or revoked');
    // Set before the role check, so a refused (403) request is still attributed to its key in the access log.
    request.principal = principal;
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (allowed && !allowed.includes(principal.role)) {
      throw new AuthError('FORBIDDEN', `role ${principal.role} may not call this endpoint (allowed: ${allowed.join(', ')})`);
    }
    return true;
  }
}

const principals = new WeakMap<object, Promise<Principal | undefined>>();

/**
 * The active principal of the request's bearer key; undefined without a well-formed, known, unrevoked
 * key. Looked up once per request: rate limiting (libs/http) asks before the guard does, to count a
 * request against its key only once the key is proven (a key's id is public, its secret is not).
 */
export function requestPrincipal(request: AuthenticatedRequest, keys: PrincipalLookup): Promise<Principal | undefined> {
  let principal = principals.get(request);
  if (!principal) {
    const token = bearerToken(request.headers.authorization);
    principal = token && apiKeyId(token) ? keys.findActive(token) : Promise.resolve(undefined);
    principals.set(request, principal);
  }
  return principal;
}

/**
 * The token of an `Authorization: Bearer <token>` header. The scheme name is case-insensitive (RFC 9110
 * §11.1), so `bearer` and `BEARER` are the same scheme; clients and proxies do lower-case it.
 */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^bearer[ \t]+(.+)$/i.exec(header.trim());
  return match?.[1].trim();
}

/** Providers that authenticate every route of an app with `lookup` (by default the API keys in `schema`). */
export function apiKeyAuthProviders(lookup: PrincipalLookup): Provider[] {
  return [
    { provide: API_KEY_REPOSITORY, useValue: lookup },
    { provide: APP_GUARD, useFactory: (reflector: Reflector, keys: PrincipalLookup) => new ApiKeyGuard(reflector, keys), inject: [Reflector, API_KEY_REPOSITORY] },
  ];
}
