import type { FastifyInstance } from 'fastify';

/** Deepest nesting a JSON request body may have; real requests need about a dozen levels. */
export const MAX_JSON_DEPTH = 64;

/**
 * Refuses (400) a JSON body nested deeper than MAX_JSON_DEPTH before any route sees it. Such a body
 * parses fine, but breaks whatever later walks it recursively (JSON.stringify of a dead letter's raw
 * record, String() of an array in an error message) with a stack overflow: a 500, or worse.
 */
export function limitJsonDepth(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    if (!nestedDeeperThan(request.body, MAX_JSON_DEPTH)) return done();
    done(Object.assign(new Error(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400, code: 'JSON_TOO_DEEP' }));
  });
}

/** Iterative, so that a body of any depth is measured without itself overflowing the stack. */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 1 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, depth } = next;
    // Only what JSON.parse builds is walked: a Buffer (binary body) or a string is not.
    const children = containerChildren(node);
    if (!children) continue;
    if (depth > limit) return true;
    // Only containers go on the stack: telemetry bodies are mostly numbers, which cannot nest.
    for (const child of children) if (Array.isArray(child) || isPlainObject(child)) pending.push({ node: child, depth: depth + 1 });
  }
  return false;
}

function containerChildren(node: unknown): unknown[] | undefined {
  return Array.isArray(node) ? node : isPlainObject(node) ? Object.values(node) : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
