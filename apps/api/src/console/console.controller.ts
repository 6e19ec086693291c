import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { join } from 'node:path';
import { Public } from '@airan/observability';
import { ConsoleAssets, type ConsoleFile } from './console.assets';
import { ConsoleError } from './console.errors';

/**
 * Scripts, styles and connections from this origin only: no inline script or style, nothing from a CDN,
 * and the page cannot be framed. The key never travels in a URL, so referrers carry none either.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's own policy; the headers every answer carries (nosniff, no referrer, no framing) come from libs/http. */
const SECURITY_HEADERS = { 'content-security-policy': CONSOLE_CSP };

/** The ops console: a static page that calls the authenticated api with the key the user enters. */
@Public()
@Controller()
export class ConsoleController {
  private readonly files = ConsoleAssets.load(join(__dirname, '..', '..', 'console'));

  @Get()
  index(@Res() reply: FastifyReply): void {
    if (!this.files.page) throw new ConsoleError('CONSOLE_NOT_BUILT', 'the console is not built: run npm run build');
    // The page names the current hashed assets, so it is revalidated on every load.
    this.send(reply, this.files.page, 'no-cache');
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply): void {
    const file = this.files.asset(name);
    if (!file) throw new ConsoleError('CONSOLE_ASSET_NOT_FOUND', `no console asset ${name}`);
    // Hashed names: a changed file has a new name, so each may be kept for good.
    this.send(reply, file, 'public, max-age=31536000, immutable');
  }

  private send(reply: FastifyReply, file: ConsoleFile, cacheControl: string): void {
    void reply.headers({ ...SECURITY_HEADERS, 'content-type': file.contentType, 'cache-control': cacheControl }).send(file.body);
  }
}
