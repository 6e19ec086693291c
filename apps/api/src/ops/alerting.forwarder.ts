import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '@airan/auth';
import { mediaType } from '@airan/http';
import { ALERTING_CLIENT, type AlertingClient } from './alerting.client';

/** What forwarding reads of the public request: method, query, body, content type and the authenticated caller. */
export type ForwardableRequest = Pick<FastifyRequest, 'method' | 'url' | 'body' | 'headers'> & { principal?: Principal };

/**
 * The public ops endpoints are alerting's internal API under another path: same method, query and
 * body, the caller named as actor, and alerting's answer (status, content type, body) relayed as is.
 */
@Injectable()
export class AlertingForwarder {
  constructor(@Inject(ALERTING_CLIENT) private readonly alerting: AlertingClient) {}

  async forward(request: ForwardableRequest, reply: FastifyReply, internalPath: string): Promise<void> {
    const queryAt = request.url.indexOf('?');
    const body = request.body;
    // A text body (YAML) goes as it came. Anything parsed (JSON, a form) goes as JSON: a JSON string too, quoted again, not as its contents.
    const asText = typeof body === 'string' && mediaType(request.headers['content-type']) !== 'application/json';
    const response = await this.alerting.send({
      method: request.method,
      path: internalPath,
      query: queryAt < 0 ? '' : request.url.slice(queryAt + 1),
      ...(body === undefined ? {} : asText ? { body, contentType: request.headers['content-type'] } : { body: JSON.stringify(body), contentType: 'application/json' }),
      // The global guard set it: every route here is authenticated.
      actor: request.principal!.subject,
    });
    void reply.status(response.status);
    if (response.contentType !== undefined) void reply.header('content-type', response.contentType);
    await reply.send(response.body);
  }
}
