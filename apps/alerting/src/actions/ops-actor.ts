import { type AuthenticatedRequest } from '@airan/auth';

/**
 * Who acts: the api authenticates people and forwards their subject in `x-airan-actor` with the ops
 * token; only a caller holding that token reaches these routes, so the header is trusted.
 */
export function actorOf(request: AuthenticatedRequest): string {
  const header = request.headers['x-airan-actor'];
  const actor = typeof header === 'string' ? header.trim() : '';
  return actor.length > 0 && actor.length <= 200 ? actor : request.principal!.subject;
}
