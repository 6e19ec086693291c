import { zodIssuePaths } from '@airan/http';
import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Roles } from '@airan/auth';
import { AlertStreamHub } from './alert-stream.hub';
import { AlertsError } from './alerts.errors';

const label = z.string().max(128);
const eventId = z.string().uuid();

const streamQuery = z
  .object({
    operator: label.optional(),
    site: label.optional(),
    severity: label.optional(),
    /** For clients that cannot set headers; the Last-Event-ID header wins. */
    lastEventId: eventId.optional(),
  })
  .strict();

/**
 * `GET /v1/alerts/stream`: alert events as Server-Sent Events (`id`, `event: alert`, the AlertEvent as
 * `data`), as they are committed. A client that reconnects with Last-Event-ID first gets what it missed.
 */
@Controller('v1/alerts/stream')
@Roles('ops', 'admin')
export class AlertStreamController {
  constructor(private readonly hub: AlertStreamHub) {}

  @Get()
  stream(@Query() raw: Record<string, string>, @Headers('last-event-id') header: string | undefined, @Res() reply: FastifyReply) {
    const parsed = streamQuery.safeParse(raw);
    if (!parsed.success) throw new AlertsError('INVALID_QUERY', 'invalid query parameters', zodIssuePaths(parsed.error.issues, 'query'));
    if (header !== undefined && !eventId.safeParse(header).success) {
      throw new AlertsError('INVALID_QUERY', 'invalid Last-Event-ID', [{ path: 'header.last-event-id', code: 'INVALID_VALUE', message: 'an alert event id (uuid)' }]);
    }
    const { lastEventId, ...filter } = parsed.data;
    return this.hub.open(reply, filter, header ?? lastEventId);
  }
}
