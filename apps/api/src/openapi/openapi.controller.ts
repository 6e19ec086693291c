import { Controller, Get } from '@nestjs/common';
import { Public } from '@airan/observability';
import { buildOpenApiDocument } from './openapi.document';

const document = buildOpenApiDocument();

/** `GET /openapi.json`: public, like any API description; every operation in it needs a key. */
@Public()
@Controller()
export class OpenApiController {
  @Get('openapi.json')
  get() {
    return document;
  }
}
