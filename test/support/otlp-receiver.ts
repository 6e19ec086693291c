import { type IncomingMessage, type Server, createServer } from 'node:http';

/** A span as the apps export it, with the name of the service that recorded it. */
export interface ReceivedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly links: ReadonlyArray<{ readonly traceId: string; readonly spanId: string }>;
}

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
type KeyValue = { key: string; value: AnyValue };
interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: Array<{
      spans?: Array<{ name: string; traceId: string; spanId: string; parentSpanId?: string; attributes?: KeyValue[]; links?: Array<{ traceId: string; spanId: string }> }>;
    }>;
  }>;
}

/**
 * An OTLP/HTTP trace receiver for tests: `POST /v1/traces` in the JSON encoding, which is what
 * @opentelemetry/exporter-trace-otlp-http sends (ids as hex strings). Anything else is refused loudly.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    let receiver!: OtlpReceiver;
    const server = createServer((request, response) => {
      if (request.method !== 'POST' || request.url !== '/v1/traces' || !request.headers['content-type']?.startsWith('application/json')) {
        response.writeHead(415).end();
        return;
      }
      readBody(request).then(
        (body) => {
          receiver.spans.push(...spansOf(JSON.parse(body) as ExportTraceServiceRequest));
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        },
        () => response.writeHead(400).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    receiver = new OtlpReceiver(server, `http://127.0.0.1:${port}`);
    return receiver;
  }

  /**
   * The shortest way back from a span, through parents and links of recorded spans, to a recorded span
   * matching `to` (both ends included), or undefined while there is none.
   */
  pathBack(from: ReceivedSpan, to: (span: ReceivedSpan) => boolean): ReceivedSpan[] | undefined {
    const byId = new Map(this.spans.map((s) => [s.spanId, s]));
    const seen = new Set([from.spanId]);
    const queue: ReceivedSpan[][] = [[from]];
    while (queue.length > 0) {
      const path = queue.shift()!;
      const last = path[path.length - 1];
      if (to(last)) return path;
      for (const id of [last.parentSpanId, ...last.links.map((l) => l.spanId)]) {
        const next = id === undefined ? undefined : byId.get(id);
        if (next && !seen.has(next.spanId)) {
          seen.add(next.spanId);
          queue.push([...path, next]);
        }
      }
    }
    return undefined;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function spansOf(body: ExportTraceServiceRequest): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((s) => ({
        service,
        name: s.name,
        traceId: s.traceId,
        spanId: s.spanId,
        // An empty id is how some encoders say "no parent".
        parentSpanId: s.parentSpanId || undefined,
        attributes: attributesOf(s.attributes),
        links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
      })),
    );
  });
}

function attributesOf(list: KeyValue[] = []): Record<string, string | number | boolean> {
  return Object.fromEntries(list.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue ?? '']));
}
