import { Controller, Get, Header } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Public } from '@airan/observability';

const page = readFileSync(join(__dirname, 'dashboard.html'), 'utf8');

/** The ops dashboard shell. The page holds no data: it calls the authenticated API with the user's key. */
@Public()
@Controller()
export class DashboardController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
  index() {
    return page;
  }
}
