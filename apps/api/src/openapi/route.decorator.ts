import { HttpCode, RequestMapping, RequestMethod, UseInterceptors, applyDecorators } from '@nestjs/common';
import { Roles } from '@airan/auth';
import { Public } from '@airan/observability';
import { RouteInputInterceptor } from '../params/route-input.pipe';
import { type RouteSpec, nestPath, successStatus } from './route.declaration';


/**
 * Mounts a handler as its documented route: method and path, who may call it, the status it answers
 * with, and the validation of its path, query and body. Controllers take no path prefix: the spec
 * holds the whole path, as the document shows it.
 */
export function Route(spec: RouteSpec): MethodDecorator {
  return applyDecorators(
    RequestMapping({ path: nestPath(spec.path), method: RequestMethod[spec.method] }),
    spec.access === 'public' ? Public() : Roles(...spec.access),
    HttpCode(successStatus(spec)),
    UseInterceptors(new RouteInputInterceptor(spec)),
  );
}
