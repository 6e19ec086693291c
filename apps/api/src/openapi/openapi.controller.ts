import { Controller, Get, Header } from '@nestjs/common';
import { buildAsyncApiDocument } from '@airan/contracts';
import { Public } from '@airan/observability';
import { renderDocsPage } from './docs.page';
import { buildOpenApiDocument } from './openapi.document';

const openapi = buildOpenApiDocument();
const asyncapi = buildAsyncApiDocument();
const page = renderDocsPage(openapi, asyncapi);

/** The docs routes: not in the document they serve. */
export const DOCS_ROUTES = ['/openapi.json', '/asyncapi.json', '/docs'] as const;

/**
 * `GET /openapi.json`, `/asyncapi.json` and `/docs`: public, like any published contract. They hold no
 * data and no secret (share topics are named by parameter, not by partner), every operation they
 * describe needs a key, and an integrator reads them before holding one.
 */
@Public()
@Controller()
export class OpenApiController {
  @Get('openapi.json')
  openApi() {
    return openapi;
  }

  @Get('asyncapi.json')
  asyncApi() {
    return asyncapi;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  // The page is self-contained: no script, no fetch, nothing from elsewhere.
  @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  docs() {
    return page;
  }
}
