import { HttpCode, RequestMapping, RequestMethod, UseInterceptors, applyDecorators } from '@nestjs/common';
import { Roles } from '@airan/auth';
import { AcceptsMediaTypes, type RouteMediaTypes } from '@airan/http';
import { Public } from '@airan/observability';
import { RouteInputInterceptor } from '../params/route-input.pipe';
import { type RouteSpec, nestPath, successStatus } from './route.declaration';

/**
 * Mounts a handler as its documented route: method and path, who may call it, the status it answers
 * with, the media types its body may have (any other is a 415), and the validation of its path, query
 * and body. Controllers take no path prefix: the spec holds the whole path, as the document shows it.
 */
export function Route(spec: RouteSpec): MethodDecorator {
  const mediaTypes = bodyMediaTypes(spec);
  return applyDecorators(
    RequestMapping({ path: nestPath(spec.path), method: RequestMethod[spec.method] }),
    spec.access === 'public' ? Public() : Roles(...spec.access),
    HttpCode(successStatus(spec)),
    UseInterceptors(new RouteInputInterceptor(spec)),
    ...(mediaTypes ? [AcceptsMediaTypes(mediaTypes)] : []),
  );
}

/**
 * The media types the document gives the route's body, and how each is read: a validated body is JSON; a
 * passed one is read as the app reads its type (JSON parsed, the rules' YAML as text, see main.ts).
 */
function bodyMediaTypes(spec: RouteSpec): RouteMediaTypes | undefined {
  const validated = spec.body ?? Object.values(spec.variants?.values ?? {}).find((variant) => variant.body)?.body;
  if (validated) return { 'application/json': 'json' };
  if (spec.passedBody) return Object.fromEntries(spec.passedBody.mediaTypes.map((type) => [type, type === 'application/json' ? 'json' : 'text']));
  return undefined;
}
