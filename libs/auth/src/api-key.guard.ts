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
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AuthError('MISSING_CREDENTIALS', 'Authorization: Bearer <api key> is required');
    const principal = apiKeyId(token) ? await this.keys.findActive(token) : undefined;
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
