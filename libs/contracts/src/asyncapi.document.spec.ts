import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { buildAsyncApiDocument } from './asyncapi.document';
import { jsonSchemaOf } from './json-schema';
import { SHARE_PRODUCT_NAMES, sharedViewSchema, shareTopicName } from './share';
import { TOPIC_MESSAGES } from './topic-messages';
import { TOPICS, type TopicKey } from './topics';

const built = buildAsyncApiDocument();

/** A parsed schema as written: the parser tags every schema with `x-parser-schema-id`. */
const asWritten = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(asWritten) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('x-parser-')).map(([k, v]) => [k, asWritten(v)])) : value;

describe('the AsyncAPI document', () => {
  let parsed: NonNullable<Awaited<ReturnType<Parser['parse']>>['document']>;

  beforeAll(async () => {
    const { document, diagnostics } = await new Parser().parse(built as never);
    // Errors and warnings fail; hints and information (such as "3.1.0 exists") do not.
    expect(diagnostics.filter((d) => d.severity <= DiagnosticSeverity.Warning).map((d) => `${d.code} at ${d.path.join('.')}: ${d.message}`)).toEqual([]);
    parsed = document!;
  });

  it('has a channel for every topic of TOPICS, with its settings, key and payload', () => {
    const channels = parsed.channels();
    for (const [key, topic] of Object.entries(TOPICS) as Array<[TopicKey, (typeof TOPICS)[TopicKey]]>) {
      const channel = channels.get(key)!;
      expect(channel.address()).toBe(topic.name);
      expect(channel.bindings().get('kafka')?.value()).toMatchObject({ topic: topic.name, partitions: topic.partitions, topicConfiguration: { 'cleanup.policy': [topic.cleanupPolicy], 'retention.ms': topic.retentionMs } });
      const message = channel.messages().get(TOPIC_MESSAGES[key].name)!;
      expect(asWritten(message.payload()?.json())).toEqual(jsonSchemaOf(TOPIC_MESSAGES[key].payload));
      expect(message.headers()?.properties()).toHaveProperty('traceparent');
      expect(message.bindings().get('kafka')?.value()).toMatchObject({ key: { type: 'string' } });
      expect(parsed.operations().filterBySend().some((op) => op.channels().all().some((c) => c.id() === key))).toBe(true);
    }
    expect(channels.get('registry')!.messages().get('RegistryEventTombstone')!.payload()?.type()).toBe('null');
  });

  it('describes the partner share topics as one channel with parameters, one message per product', () => {
    const share = parsed.channels().get('share')!;
    expect(share.address()).toBe('airan.share.{partnerId}.{product}.v1');
    expect(share.parameters().get('product')?.schema()?.enum()).toEqual(['cell-load', 'rollups', 'alerts', 'telemetry']);
    expect(share.parameters().has('partnerId')).toBe(true);
    expect(share.messages().all().map((m) => m.id())).toEqual(['SharedCellLoad', 'SharedRollups', 'SharedAlerts', 'SharedTelemetry']);
    expect(shareTopicName('etri', 'cell-load')).toBe('airan.share.etri.cell-load.v1');
  });

  it("shares a product's events with any field the grant redacts left out, never without schema and id", () => {
    const event = { schema: 'airan.rollup/1', id: '0a6f7c4e-1b2d-5e3f-8a9b-0c1d2e3f4a5b', scope: 'site', scopeId: 'kt-1', windowStart: '2026-03-01T00:00:00.000Z', cells: 3, aiGpuMs: 10, capacityGpuMs: 20, radioGpuMs: 5, requests: 4, tokens: 9, inferenceLoad: 0.5, radioLoad: 0.25 };
    const view = sharedViewSchema('rollups');
    expect(view.safeParse(event).success).toBe(true);
    const { aiGpuMs: _, scopeId: __, ...redacted } = event;
    expect(view.safeParse(redacted).success).toBe(true);
    const { id: ___, ...anonymous } = event;
    expect(view.safeParse(anonymous).success).toBe(false);
    expect(view.safeParse({ ...event, extra: 1 }).success).toBe(false);
    for (const product of SHARE_PRODUCT_NAMES) expect(jsonSchemaOf(sharedViewSchema(product))).toMatchObject({ required: ['schema', 'id'] });
  });
});
