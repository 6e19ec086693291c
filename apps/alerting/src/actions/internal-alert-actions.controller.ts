import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { z } from 'zod';
import { type AuthenticatedRequest, Roles } from '@airan/auth';
import { zodIssuePaths } from '@airan/http';
import { acknowledgeRequestSchema, assignRequestSchema } from '@airan/rule-engine';
import { ActOnAlertUseCase } from './act-on-alert.use-case';
import { AlertingError } from '../alerting.errors';
import { actorOf } from './ops-actor';

/** No body is an empty object (ack's is optional); a JSON `null` is a body, and not an object. */
function parse<T extends z.ZodTypeAny>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body === undefined ? {} : body);
  if (!parsed.success) throw new AlertingError('INVALID_ACTION', 'invalid request body', zodIssuePaths(parsed.error.issues, '$'));
  return parsed.data;
}

/** Acknowledge, unacknowledge, assign (internal: the api forwards with the ops token and the person's identity). */
@Controller('internal/v1/alerts/:fingerprint')
@Roles('admin')
export class InternalAlertActionsController {
  constructor(private readonly act: ActOnAlertUseCase) {}

  @Post('ack')
  @HttpCode(HttpStatus.OK)
  ack(@Param('fingerprint') fingerprint: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.act.execute(fingerprint, actorOf(request), { kind: 'acknowledged', comment: parse(acknowledgeRequestSchema, body).comment });
  }

  @Post('unack')
  @HttpCode(HttpStatus.OK)
  unack(@Param('fingerprint') fingerprint: string, @Req() request: AuthenticatedRequest) {
    return this.act.execute(fingerprint, actorOf(request), { kind: 'unacknowledged' });
  }

  @Post('assign')
  @HttpCode(HttpStatus.OK)
  assign(@Param('fingerprint') fingerprint: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    return this.act.execute(fingerprint, actorOf(request), { kind: 'assigned', assignee: parse(assignRequestSchema, body).assignee });
  }
}
