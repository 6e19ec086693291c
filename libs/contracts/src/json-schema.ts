import type { z } from 'zod';
import { zodToJsonSchema } from 'zod-to-json-schema';

// zod-to-json-schema types its argument against zod's v3 entry point; the schemas are the same objects.
type ZodSchemaArg = Parameters<typeof zodToJsonSchema>[0];

export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of what a zod schema accepts, for the documents (OpenAPI 3.1 and AsyncAPI 3 both take
 * JSON Schema). Inlined (no `$ref`s: every schema stands alone) and without `$schema`, since each sits
 * inside a document that names its dialect. Input side: defaults make a field optional, as a client sees it.
 */
export function jsonSchemaOf(schema: z.ZodTypeAny): JsonSchema {
  const { $schema: _, ...rest } = zodToJsonSchema(schema as unknown as ZodSchemaArg, { target: 'jsonSchema7', $refStrategy: 'none', effectStrategy: 'input' }) as JsonSchema;
  return rest;
}
