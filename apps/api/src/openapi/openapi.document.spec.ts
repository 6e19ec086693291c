import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonSchemaOf } from '@airan/contracts';
import { ALERT_ROUTES } from '../alerts/alerts.openapi';
import { DATASETS } from '../history/history.datasets';
import { HISTORY_QUERY_SCHEMAS } from '../history/history.schemas';
import { KEY_ROUTES } from '../keys/keys.openapi';
import { buildOpenApiDocument } from './openapi.document';

type Operation = { parameters?: Array<{ name: string; in: string; required: boolean; schema: object }>; requestBody?: { content: Record<string, { schema: object }> }; responses: Record<string, { 'x-airan-codes'?: string[]; content?: Record<string, object> }> };
const document = buildOpenApiDocument() as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };

/** Every `$ref` string anywhere in a JSON value. */
const refsIn = (value: unknown): string[] =>
  value && typeof value === 'object' ? Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : refsIn(v))) : [];

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    // The validator is an ES module, which Jest's CommonJS runtime cannot load: its own CLI runs it.
    const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const run = spawnSync(process.execPath, [require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js'), file], { encoding: 'utf8' });
    expect(JSON.parse(run.stdout)).toEqual({ valid: true });
  });

  it('refers only to schemas it holds', () => {
    const refs = new Set(refsIn(document));
    expect(refs.size).toBeGreaterThan(10);
    for (const ref of refs) expect(Object.keys(document.components.schemas)).toContain(ref.replace('#/components/schemas/', ''));
  });

  it("documents a route's parameters and body from the schemas that validate them", () => {
    const list = document.paths['/v1/alerts'].get;
    expect(list.parameters?.find((p) => p.name === 'limit')).toEqual({ name: 'limit', in: 'query', required: false, schema: jsonSchemaOf(ALERT_ROUTES.list.query.shape.limit) });
    expect(list.parameters?.find((p) => p.name === 'limit')?.schema).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
    expect(list.parameters?.map((p) => p.name)).toEqual(Object.keys(ALERT_ROUTES.list.query.shape));
    // An optional parameter is `required: false` with its value's schema, not zod's anyOf.
    expect(list.parameters?.find((p) => p.name === 'status')).toEqual({ name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['pending', 'firing', 'resolved', 'nodata'] } });
    expect(document.paths['/v1/alerts/{fingerprint}/history'].get.parameters?.[0]).toMatchObject({ name: 'fingerprint', in: 'path', required: true, schema: { pattern: '^[0-9a-f]{16}$' } });
    expect(document.paths['/v1/admin/keys'].post.requestBody?.content['application/json'].schema).toEqual(jsonSchemaOf(KEY_ROUTES.issue.body));
  });

  it('documents each registry type as its own path, with its own body', () => {
    for (const type of ['operator', 'partner', 'pilot', 'site', 'gpu-node', 'cell']) {
      expect(Object.keys(document.paths[`/v1/registry/${type}/{id}`]).sort()).toEqual(['delete', 'get', 'put']);
    }
    expect(document.paths['/v1/registry/cell/{id}'].put.requestBody?.content['application/json'].schema).toMatchObject({ required: ['siteId'], additionalProperties: false });
    expect(document.paths['/v1/registry/cell/{id}'].put.parameters?.map((p) => p.name)).toEqual(['id']);
  });

  it('documents each history dataset, export file and stream product as its own path, with its own query and answer', () => {
    const paths = Object.keys(document.paths);
    expect(paths.filter((p) => p.startsWith('/v1/history/'))).toEqual(['/v1/history/cell-load', '/v1/history/rollups', '/v1/history/cell-samples', '/v1/history/gpu-samples', '/v1/history/dead-letters']);
    expect(paths.filter((p) => p.startsWith('/v1/exports/'))).toHaveLength(10);
    expect(paths.filter((p) => p.startsWith('/v1/streams/'))).toEqual(['/v1/streams/cell-load', '/v1/streams/rollups', '/v1/streams/alerts', '/v1/streams/telemetry']);
    expect(document.paths['/v1/history/cell-load'].get.parameters?.map((p) => p.name)).toEqual(Object.keys(HISTORY_QUERY_SCHEMAS['cell-load'].innerType().shape));
    expect(document.paths['/v1/history/rollups'].get.parameters?.filter((p) => p.required).map((p) => p.name)).toEqual(['scope']);
    expect(document.paths['/v1/exports/gpu-samples.csv'].get.parameters?.filter((p) => p.required).map((p) => p.name)).toEqual(['from', 'to']);
    expect(Object.keys(document.paths['/v1/exports/gpu-samples.parquet'].get.responses['200'].content ?? {})).toEqual(['application/vnd.apache.parquet']);
    expect(Object.keys(document.paths['/v1/streams/telemetry'].get.responses['200'].content ?? {})).toEqual(['text/event-stream']);
    expect(document.paths['/v1/streams/telemetry'].get.parameters?.map((p) => p.name)).toEqual(['operator', 'site', 'lastEventId']);
    // Rows are documented from the columns that also drive the SQL, the CSV header and the Parquet schema.
    expect(document.components.schemas.CellSamplesRow).toMatchObject({ required: DATASETS['cell-samples'].columns.map((c) => c.name) });
    expect(document.paths['/v1/history/dead-letters'].get.responses['404']['x-airan-codes']).toEqual(['UNKNOWN_DATASET']);
  });

  it('names every error code a route answers, by status, including those its shape implies', () => {
    const history = document.paths['/v1/alerts/{fingerprint}/history'].get.responses;
    expect(history['400']['x-airan-codes']).toEqual(['INVALID_PATH_PARAMETER', 'INVALID_QUERY']);
    expect(history['401']['x-airan-codes']).toEqual(['MISSING_CREDENTIALS', 'INVALID_CREDENTIALS']);
    expect(history['404']['x-airan-codes']).toEqual(['ALERT_NOT_FOUND']);
    const put = document.paths['/v1/rules/{id}'].put.responses;
    expect(Object.keys(put)).toEqual(expect.arrayContaining(['200', '201', '413', '415', '422', '502', '503', '504']));
  });
});
