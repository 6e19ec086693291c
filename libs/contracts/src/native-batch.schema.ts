/**
 * JSON Schemas of the native ingest format, `POST /v1/telemetry`:
 * `{ "records": [ { "type": "cell" | "gpu" | "heartbeat", "siteId": ..., "ts": RFC 3339, ... } ] }`.
 * Records are validated one by one so a bad record never sinks its batch.
 */
const id = { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' } as const;
/**
 * A 3GPP distinguished name (TS 32.300), `Attr=value,Attr=value,...`, e.g.
 * `SubNetwork=KT,ManagedElement=gnb-1,GNBDUFunction=1,NRCellDU=3`: values hold no `,`, `=` or control
 * characters. Accepted where a cell is named; ingest resolves it to the registry cell that carries it.
 */
export const DISTINGUISHED_NAME_PATTERN_SOURCE = '^[A-Za-z][A-Za-z0-9-]*=[^,=\\u0000-\\u001f]+(,[A-Za-z][A-Za-z0-9-]*=[^,=\\u0000-\\u001f]+)*$';
export const DISTINGUISHED_NAME_MAX_LENGTH = 512;
/** A cell reference: an airan id (1–128 chars) or a distinguished name (up to 512). */
const cellRef = {
  type: 'string',
  minLength: 1,
  maxLength: DISTINGUISHED_NAME_MAX_LENGTH,
  pattern: `^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$|${DISTINGUISHED_NAME_PATTERN_SOURCE}`,
} as const;
// RFC 3339; parsed (and range-checked) by the ingest parser, which names the path on failure.
const timestamp = { type: 'string', minLength: 10, maxLength: 40 } as const;
const nonNegative = { type: 'number', minimum: 0 } as const;
const percent = { type: 'number', minimum: 0, maximum: 100 } as const;
const share = { type: 'number', minimum: 0, maximum: 1 } as const;

/**
 * Sanity bounds of a GPU die temperature, °C (`GpuSample.tempC`), in every format: below or above is
 * OUT_OF_RANGE. Wide enough for any real reading (cold start outdoors, thermal shutdown); outside it is
 * junk, such as the absurd spikes DCGM is known to report.
 */
export const GPU_TEMP_MIN_C = -40;
export const GPU_TEMP_MAX_C = 150;
const temperatureC = { type: 'number', minimum: GPU_TEMP_MIN_C, maximum: GPU_TEMP_MAX_C } as const;

export const NATIVE_BATCH_SCHEMA = {
  $id: 'airan.native-batch',
  type: 'object',
  required: ['records'],
  additionalProperties: false,
  properties: { records: { type: 'array', minItems: 1 } },
} as const;

export const NATIVE_CELL_RECORD_SCHEMA = {
  $id: 'airan.native-record.cell',
  type: 'object',
  required: ['type', 'siteId', 'cellId', 'ts', 'intervalMs'],
  additionalProperties: false,
  properties: {
    type: { const: 'cell' },
    siteId: id,
    cellId: cellRef,
    ts: timestamp,
    intervalMs: { type: 'integer', minimum: 1, maximum: 3_600_000 },
    prbDlPct: percent,
    prbUlPct: percent,
    thpDlMbps: nonNegative,
    thpUlMbps: nonNegative,
    rrcConnectedUes: nonNegative,
    inferenceRequests: { type: 'integer', minimum: 0 },
    inferenceTokens: { type: 'integer', minimum: 0 },
    gpuMs: nonNegative,
    latencyP95Ms: nonNegative,
  },
} as const;

export const NATIVE_GPU_RECORD_SCHEMA = {
  $id: 'airan.native-record.gpu',
  type: 'object',
  required: ['type', 'siteId', 'node', 'device', 'ts'],
  additionalProperties: false,
  properties: {
    type: { const: 'gpu' },
    siteId: id,
    node: id,
    device: id,
    ts: timestamp,
    utilPct: percent,
    radioShare: share,
    aiShare: share,
    memUsedMiB: nonNegative,
    powerW: nonNegative,
    tempC: temperatureC,
  },
} as const;

export const NATIVE_HEARTBEAT_RECORD_SCHEMA = {
  $id: 'airan.native-record.heartbeat',
  type: 'object',
  required: ['type', 'siteId', 'ts'],
  additionalProperties: false,
  properties: { type: { const: 'heartbeat' }, siteId: id, ts: timestamp },
} as const;

export const NATIVE_RECORD_SCHEMAS = {
  cell: NATIVE_CELL_RECORD_SCHEMA,
  gpu: NATIVE_GPU_RECORD_SCHEMA,
  heartbeat: NATIVE_HEARTBEAT_RECORD_SCHEMA,
} as const;

export type NativeRecordType = keyof typeof NATIVE_RECORD_SCHEMAS;
