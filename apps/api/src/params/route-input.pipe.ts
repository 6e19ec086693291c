import { type CallHandler, type ExecutionContext, type NestInterceptor, createParamDecorator } from '@nestjs/common';
import { zodIssuePaths } from '@airan/http';
import { z } from 'zod';
import type { RouteSpec } from '../openapi/route.declaration';
import { ParamsError, type ParamsErrorCode } from './params.errors';

type Output<T, Otherwise> = T extends z.ZodTypeAny ? z.output<T> : Otherwise;

/** A route's input as its schemas made it: defaults applied, flags and numbers converted. */
export interface RouteInput<S extends RouteSpec = RouteSpec> {
  readonly params: Output<S['params'], Record<string, string>>;
  /** A route with variants validates each variant's own query: the handler narrows it by the variant's value. */
  readonly query: Output<S['query'], S extends { readonly variants: object } ? Readonly<Record<string, unknown>> : Record<string, never>>;
  /** Validated when the route declares `body` (or its variant does); else as received. */
  readonly body: Output<S['body'], unknown>;
}

export interface RawInput {
  readonly params?: unknown;
  readonly query?: unknown;
  readonly body?: unknown;
}

/** A route without query parameters takes none: an unexpected one is refused, not ignored. */
const NO_QUERY = z.object({}).strict();

/**
 * Checks a request against its route's schemas, part by part (path, then query, then body): the first
 * part that does not match is a 400 whose details name every offending field (`path.id`,
 * `query.limit`, `body.name`) with the reason.
 */
export function validateRouteInput<S extends RouteSpec>(spec: S, raw: RawInput): RouteInput<S> {
  const params = spec.params ? parsePart(spec.params, raw.params ?? {}, 'path', 'INVALID_PATH_PARAMETER') : (raw.params ?? {});
  const variant = spec.variants ? variantOf(spec, params as Record<string, string>) : undefined;
  const bodySchema = variant ? variant.body : spec.body;
  const query = parsePart(variant?.query ?? spec.query ?? NO_QUERY, raw.query ?? {}, 'query', 'INVALID_QUERY');
  const body = bodySchema ? parsePart(bodySchema, raw.body, 'body', 'INVALID_BODY') : raw.body;
  return { params, query, body } as RouteInput<S>;
}

function variantOf(spec: RouteSpec, params: Record<string, string>) {
  const { param, values, unknown } = spec.variants!;
  const value = params[param];
  if (!Object.hasOwn(values, value)) throw unknown(value);
  return values[value];
}

function parsePart(schema: z.ZodTypeAny, value: unknown, root: 'path' | 'query' | 'body', code: ParamsErrorCode): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // zodIssuePaths roots a body's findings at `$`; here each part is its own root.
  const details = zodIssuePaths(parsed.error.issues, '$').map((issue) => ({ ...issue, path: root + issue.path.slice(1) }));
  throw new ParamsError(code, `invalid ${root === 'path' ? 'path parameters' : root === 'query' ? 'query parameters' : 'request body'}`, details);
}

const inputs = new WeakMap<object, RouteInput>();

/** Validates every request of one route before its handler runs (after the guard: 401 and 403 come first). */
export class RouteInputInterceptor implements NestInterceptor {
  constructor(private readonly spec: RouteSpec) {}

  intercept(context: ExecutionContext, next: CallHandler) {
    const request = context.switchToHttp().getRequest<RawInput & object>();
    inputs.set(request, validateRouteInput(this.spec, request));
    return next.handle();
  }
}

/** The validated input of a route mounted with `@Route(spec)`: `@Input() input: RouteInput<typeof spec>`. */
export const Input = createParamDecorator((_: unknown, context: ExecutionContext): RouteInput => {
  const input = inputs.get(context.switchToHttp().getRequest<object>());
  if (!input) throw new Error('@Input() reads what @Route validated: the handler has no @Route');
  return input;
});
