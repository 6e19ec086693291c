import { RouteConfig } from '@nestjs/platform-fastify';
// Not re-exported by the package's index; the key `RouteConfig` stores the route's config under.
import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyContextConfig } from 'fastify';

/**
 * Adds entries to a route's fastify config. Nest's `RouteConfig` replaces the whole config, so a route
 * with two airan decorators (its error body and its media types) would keep only one of them; this
 * merges with what the decorators below it already set.
 */
export function mergeRouteConfig(config: FastifyContextConfig): MethodDecorator {
  return (target, key, descriptor) => {
    const existing = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, descriptor.value as object) as FastifyContextConfig | undefined) ?? {};
    return RouteConfig({ ...existing, ...config })(target, key, descriptor);
  };
}
