import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { announcesBody } from './request-body';
import { RequestError } from './request.errors';
import { mergeRouteConfig } from './route-config';

/** How a route's body reaches the controller: parsed JSON, a string, or raw bytes (a Buffer). */
export type BodyReading = 'json' | 'text' | 'binary';

/** A route's body media types (lower case, without parameters) and how each is read. */
export type RouteMediaTypes = Readonly<Record<string, BodyReading>>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `AcceptsMediaTypes`. */
    airanMediaTypes?: RouteMediaTypes;
  }
}

/**
 * The media types a route's body may have. The route then refuses a body of any other with a 415 that
 * names these (after authentication, so the refusal is attributed to its key); a request without a
 * body goes on to the route's own validation, which says whether one was needed. Fastify's own 415 for a
 * type it has no parser for names them too (the HTTP mapper reads them here), and each type gets a
 * body parser if the app has none for it yet (`readDeclaredMediaTypes`). It lives in the fastify
 * route config, next to `ErrorBody`, because fastify's 415 happens before Nest reaches the controller.
 */
export const AcceptsMediaTypes = (types: RouteMediaTypes) => mergeRouteConfig({ airanMediaTypes: types });

/** The media type of a content-type header, without parameters such as charset, lower case. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim().toLowerCase();
}

/** The media types the request's route declared, if it declared any. */
export function declaredMediaTypes(request: FastifyRequest): string[] | undefined {
  const declared = request.routeOptions?.config?.airanMediaTypes;
  return declared ? Object.keys(declared) : undefined;
}

/** The 415 for a body in `contentType` on a route that takes only `accepted`. */
export function unsupportedMediaType(contentType: string | undefined, accepted: readonly string[]): RequestError {
  return new RequestError('UNSUPPORTED_MEDIA_TYPE', `content-type must be ${accepted.join(' or ')}, got ${contentType ?? 'none'}`, accepted);
}

/** A request carries a body when it announces one, or says what type its body is. */
function carriesBody(request: FastifyRequest): boolean {
  return request.headers['content-type'] !== undefined || announcesBody(request);
}

/**
 * Refuses a body whose media type the route did not declare. An interceptor, not a fastify hook: it runs
 * after the guards, so a refused request of a known key is logged and traced with its key id, as the
 * controllers' own refusals are.
 */
@Injectable()
export class MediaTypeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const accepted = declaredMediaTypes(request);
      const contentType = request.headers['content-type'];
      if (accepted && carriesBody(request) && !accepted.includes(mediaType(contentType) ?? '')) throw unsupportedMediaType(contentType, accepted);
    }
    return next.handle();
  }
}

/**
 * Gives every media type a route declares a body parser, if the app has none for it: fastify's 415 would
 * otherwise refuse a type the route takes (an OpenMetrics exposition, say) before the route is reached.
 * `known` is what the app already reads, and how; a route that reads a type another way than the app
 * does is a mistake found at start-up rather than a body that arrives in the wrong shape.
 */
export function readDeclaredMediaTypes(app: FastifyInstance, known: Map<string, BodyReading>): void {
  app.addHook('onRoute', (route) => {
    for (const [type, reading] of Object.entries(route.config?.airanMediaTypes ?? {})) {
      const current = known.get(type);
      if (current === reading) continue;
      if (current !== undefined) throw new Error(`${String(route.method)} ${route.url} reads ${type} as ${reading}, but the app reads it as ${current}`);
      known.set(type, reading);
      if (reading === 'json') {
        const parse = app.getDefaultJsonParser('error', 'error');
        app.addContentTypeParser(type, { parseAs: 'string' }, parse);
      } else {
        app.addContentTypeParser(type, { parseAs: reading === 'text' ? 'string' : 'buffer' }, (_request, body, done) => done(null, body));
      }
    }
  });
}
