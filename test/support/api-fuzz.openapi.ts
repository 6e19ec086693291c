import { randomUUID } from 'node:crypto';

/** The JSON Schema keywords the api's document uses, as tests read them. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: { readonly pattern?: string };
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
}

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly schema: JsonSchema;
}

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly Parameter[];
  /** The body's schema by media type ($refs resolved), when the operation takes one. */
  readonly requestBody?: { readonly required: boolean; readonly content: Readonly<Record<string, JsonSchema>> };
  /** The error codes the document gives for each status (`x-airan-codes`). */
  readonly errorCodes: Readonly<Record<number, readonly string[]>>;
}

interface DocumentOperation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
  responses: Record<string, { 'x-airan-codes'?: string[] }>;
}
interface Document {
  paths: Record<string, Record<string, DocumentOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** Every operation of the api's OpenAPI document, as served at /openapi.json. */
export async function readOperations(apiUrl: string): Promise<Operation[]> {
  const document = (await (await fetch(`${apiUrl}/openapi.json`)).json()) as Document;
  const resolve = (schema: JsonSchema): JsonSchema => (schema.$ref ? resolve(document.components.schemas[schema.$ref.replace('#/components/schemas/', '')]) : schema);
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      parameters: op.parameters ?? [],
      ...(op.requestBody
        ? { requestBody: { required: op.requestBody.required ?? false, content: Object.fromEntries(Object.entries(op.requestBody.content).map(([type, { schema }]) => [type, resolve(schema ?? {})])) } }
        : {}),
      errorCodes: Object.fromEntries(Object.entries(op.responses).flatMap(([status, response]) => (response['x-airan-codes'] ? [[Number(status), response['x-airan-codes']]] : []))),
    })),
  );
}

/** A value the parameter's documented schema accepts, chosen from the schema alone; undefined when none of ours fits. */
export function validValue({ schema }: Parameter): string | undefined {
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'date-time') return new Date().toISOString();
  if (schema.enum) return String(schema.enum[0]);
  return ['0123456789abcdef', 'a1b2c3d4e5f6', 'cpu-hot'].find((candidate) => !schema.pattern || new RegExp(schema.pattern, 'u').test(candidate));
}

/** A value the parameter's documented schema refuses, chosen from the schema alone; undefined for a schema that takes any text. */
export function invalidValue({ schema }: Parameter): string | undefined {
  if (schema.enum) return 'not-one-of-them';
  if (schema.maximum !== undefined) return String(schema.maximum + 1);
  if (schema.minimum !== undefined) return String(schema.minimum - 1);
  if (schema.format === 'uuid') return 'not-a-uuid';
  if (schema.pattern) return '!';
  if (schema.maxLength !== undefined) return 'x'.repeat(schema.maxLength + 1);
  return undefined;
}
