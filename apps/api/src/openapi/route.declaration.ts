import type { HttpStatus } from '@nestjs/common';
import type { Role } from '@airan/auth';
import type { JsonSchema } from '@airan/contracts';
import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A schema in the document: a zod schema (converted to JSON Schema) or a JSON Schema as is (a `$ref`). */
export type DocumentedSchema = z.ZodTypeAny | JsonSchema;

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: DocumentedSchema;
  /** `application/json` unless said. */
  readonly mediaType?: string;
}

/** One error answer a route gives: its status and its code (the `error.code` of the body). */
export interface ErrorSpec {
  readonly status: number;
  readonly code: string;
  readonly description?: string;
}

/** A body the api passes on as it is (to alerting, which validates it): documented, not validated here. */
export interface PassedBodySpec {
  readonly mediaTypes: readonly string[];
  readonly schema?: DocumentedSchema;
  readonly required: boolean;
  readonly description?: string;
}

/** Query parameters: an object schema, possibly refined across its fields (`from` not after `to`). */
export type QuerySchema = z.AnyZodObject | z.ZodEffects<z.AnyZodObject>;

/** What differs between the routes one handler serves for each value of a path parameter. */
export interface RouteVariant {
  readonly summary: string;
  readonly description?: string;
  readonly query?: QuerySchema;
  readonly body?: z.ZodTypeAny;
  readonly responses?: Readonly<Record<number, ResponseSpec>>;
}

/**
 * One HTTP route, declared once next to its controller (`<feature>.openapi.ts`): the controller mounts
 * it with `@Route(spec)` (method, path, roles) and reads its input with `@Input()`, validated against
 * these very schemas, and the OpenAPI document is generated from it. So the route, its validation and
 * its documentation cannot disagree.
 */
export interface RouteSpec {
  readonly method: HttpMethod;
  /** The path as OpenAPI writes it: `/v1/alerts/{fingerprint}/history`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  /** Who may call it: these roles, or anyone. */
  readonly access: readonly Role[] | 'public';
  /** Path parameters, validated (400 INVALID_PATH_PARAMETER, `path.<name>`). */
  readonly params?: z.AnyZodObject;
  /** Query parameters, validated (400 INVALID_QUERY, `query.<name>`); a route without takes none. */
  readonly query?: QuerySchema;
  /** A JSON body, validated (400 INVALID_BODY, `body.<field>`). */
  readonly body?: z.ZodTypeAny;
  readonly passedBody?: PassedBodySpec;
  /**
   * One handler for several routes told apart by a path parameter (`/v1/registry/{type}/...`): each
   * value is documented as its own path, with its own body, and any other value is `unknown`'s error.
   */
  readonly variants?: {
    readonly param: string;
    readonly values: Readonly<Record<string, RouteVariant>>;
    readonly unknown: (value: string) => Error;
  };
  /** Success answers by status; the lowest is the status the handler answers with. */
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /** Error answers besides those every route gives (401, 403) and those of its validated parts (400). */
  readonly errors: readonly ErrorSpec[];
}

/** A feature's routes by name; the name becomes the operation id `<feature>.<name>`. */
export type RouteSpecs = Readonly<Record<string, RouteSpec>>;

/**
 * Error answers of a feature's codes, each with the status the feature's own map gives it (the map
 * main.ts hands the HTTP filter), so the document cannot name another status than the one sent.
 */
export function errorsOf<C extends string>(statusMap: Readonly<Record<C, HttpStatus>>, ...codes: C[]): ErrorSpec[] {
  return codes.map((code) => ({ status: statusMap[code], code }));
}

/** Nest's form of an OpenAPI path: `/v1/alerts/{fingerprint}` → `v1/alerts/:fingerprint`. */
export function nestPath(path: string): string {
  return path.replace(/^\//, '').replace(/\{([^}]+)\}/g, ':$1');
}

/** The status the handler answers with: the lowest success status (object keys that are numbers come sorted). */
export function successStatus(spec: RouteSpec): number {
  return Number(Object.keys(spec.responses)[0]);
}

/** A feature's part of the document: its routes, under one tag, and the named schemas they refer to. */
export interface OpenApiFragment {
  readonly tag: string;
  readonly description: string;
  readonly routes: RouteSpecs;
  /** Component schemas (`#/components/schemas/<name>`), shared by its routes' answers. */
  readonly schemas?: Readonly<Record<string, DocumentedSchema>>;
}

/** A reference to a component schema, for answers that share one. */
export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** A component schema's name from a kebab-case one: `gpu-node` → `GpuNode`. */
export const pascalCase = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
