import { Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedRequest } from '@airan/auth';
import { PartnerShares } from '../grants/partner-shares';
import { scopeOf } from '../history/data-scope';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { SseSink } from './sse.sink';
import { STREAM_PRODUCT_SPECS, type StreamProduct } from './stream-products';
import { StreamsError } from './streams.errors';
import { StreamsHub } from './streams.hub';
import { STREAM_ROUTE_SPECS } from './streams.openapi';
import { type StreamQuery, streamPositionSchema } from './streams.schemas';
import { WebSocketUpgrades } from './websocket.upgrade';
import { WebSocketSink } from './websocket.sink';

/**
 * `GET /v1/streams/<product>`: the product's events as they reach Kafka, as Server-Sent Events, or as
 * a WebSocket when the request asks to upgrade (same path, same query). Every role may ask; what it
 * sees is decided by the api's one data scope (`scopeOf`). Routes, schemas and documentation in
 * streams.openapi.ts.
 */
@Controller()
export class StreamsController {
  constructor(
    private readonly hub: StreamsHub,
    private readonly upgrades: WebSocketUpgrades,
    private readonly shares: PartnerShares,
  ) {}

  @Route(STREAM_ROUTE_SPECS.product)
  stream(@Input() { params, query }: RouteInput<typeof STREAM_ROUTE_SPECS.product>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.open(params.product as StreamProduct, query as StreamQuery, request, reply);
  }

  /** The alert stream's first address, kept for its clients: the same stream as `/v1/streams/alerts`. */
  @Route(STREAM_ROUTE_SPECS.alerts)
  alerts(@Input() { query }: RouteInput<typeof STREAM_ROUTE_SPECS.alerts>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.open('alerts', query, request, reply);
  }

  private async open(product: StreamProduct, query: StreamQuery, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { lastEventId, operator, ...filter } = query;
    const principal = (request as unknown as AuthenticatedRequest).principal!;
    const websocket = WebSocketUpgrades.requested(request.raw);
    const { eventName } = STREAM_PRODUCT_SPECS[product];
    // A partner sees what its grants give (and may narrow it by operator); every other role, its data scope.
    const partner = principal.role === 'partner';
    return this.hub.open({
      product,
      transport: websocket ? 'websocket' : 'sse',
      keyId: principal.keyId,
      operators: partner ? (operator === undefined ? 'all' : [operator]) : scopeOf(principal, operator).operators,
      share: partner ? await this.shares.viewOf(principal.subject, product) : undefined,
      filter,
      resumeFrom: resumePosition(request.headers['last-event-id'], lastEventId),
      connect: async () => {
        reply.hijack();
        if (!websocket) return new SseSink(reply.raw, eventName, this.hub.heartbeatMs);
        const socket = await this.upgrades.accept(request.raw);
        return socket && new WebSocketSink(socket, eventName);
      },
    });
  }
}

/** The position to resume from: the Last-Event-ID header (what EventSource sends), else the `lastEventId` query parameter. */
function resumePosition(header: string | string[] | undefined, query: string | undefined): { position: string; path: string } | undefined {
  if (header === undefined) return query === undefined ? undefined : { position: query, path: 'query.lastEventId' };
  const path = 'header.last-event-id';
  const parsed = streamPositionSchema.safeParse(header);
  if (!parsed.success) throw new StreamsError('INVALID_QUERY', 'invalid Last-Event-ID', parsed.error.issues.map((issue) => ({ path, code: 'INVALID_VALUE', message: issue.message })));
  return { position: parsed.data, path };
}
