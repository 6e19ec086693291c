import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface ConsoleFile {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * The console's built files (`npm run build` puts them in `dist/apps/api/console`), read once at start-up:
 * the page and its hashed assets. Only these names are ever served, so no request path reaches the file
 * system.
 */
export class ConsoleAssets {
  private constructor(
    readonly page: ConsoleFile | undefined,
    private readonly assets: ReadonlyMap<string, ConsoleFile>,
  ) {}

  static load(directory: string): ConsoleAssets {
    const read = (path: string): ConsoleFile => ({ body: readFileSync(path), contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' });
    const page = existsSync(join(directory, 'index.html')) ? read(join(directory, 'index.html')) : undefined;
    const assetDirectory = join(directory, 'assets');
    const names = existsSync(assetDirectory) ? readdirSync(assetDirectory) : [];
    return new ConsoleAssets(page, new Map(names.map((name) => [name, read(join(assetDirectory, name))])));
  }

  asset(name: string): ConsoleFile | undefined {
    return this.assets.get(name);
  }
}
