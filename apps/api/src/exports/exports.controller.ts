import { Controller, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { AuthenticatedRequest } from '@airan/auth';
import type { ParsedSelection } from '../history/history.selection';
import { Route } from '../openapi/route.decorator';
import { Input, type RouteInput } from '../params/route-input.pipe';
import { EXPORT_ROUTE_SPECS, exportFileParts } from './exports.openapi';
import { StreamExportUseCase } from './stream-export.use-case';

/**
 * `GET /v1/exports/<route>.<format>`: a history route's rows over a bounded time range as one CSV or Parquet
 * file, streamed. The same filters and scoping as `/v1/history/<route>`, without paging (routes, schemas
 * and documentation in exports.openapi.ts).
 */
@Controller()
export class ExportsController {
  constructor(private readonly exports: StreamExportUseCase) {}

  @Route(EXPORT_ROUTE_SPECS.file)
  async export(@Req() request: AuthenticatedRequest, @Input() { params, query }: RouteInput<typeof EXPORT_ROUTE_SPECS.file>, @Res() reply: FastifyReply): Promise<void> {
    const [route, format] = exportFileParts(params.file);
    await this.exports.execute(request.principal!, route, format, query as ParsedSelection, reply);
  }
}
