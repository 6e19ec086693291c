import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { announcesBody } from './request-body';
import { RequestError } from './request.errors';

/** The content codings every route takes (RFC 9110 §8.4.1); `x-gzip` is read as gzip, as §8.4.1.3 asks. */
export const CONTENT_CODINGS = ['gzip', 'deflate', 'identity'] as const;
type Coding = 'gzip' | 'deflate';

/**
 * More than this many codings stacked on one body is refused: each costs a zlib stream (tens of KiB),
 * and no client stacks more than one.
 */
export const MAX_STACKED_CODINGS = 2;

// A Map, not an object: a header naming `constructor` must not find Object.prototype's.
const ALIASES: ReadonlyMap<string, Coding | 'identity'> = new Map([
  ['gzip', 'gzip'],
  ['x-gzip', 'gzip'],
  ['deflate', 'deflate'],
  ['identity', 'identity'],
]);

/**
 * Decodes gzip and deflate request bodies for every route, before any parser reads them (the OTLP
 * Collector's exporter gzips by default; SDK exporters do with `compression: 'gzip'`). A fastify
 * `preParsing` hook returning the decoding stream: the body limit then applies to the decoded bytes
 * as they stream, so a small body that inflates past it is refused with 413 once it passes the limit,
 * without the whole inflated body ever being held. Other codings are refused with 415 naming these.
 */
export function decodeContentEncoding(app: FastifyInstance): void {
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const header = request.headers['content-encoding'];
    // A body-less request has no content to be coded: its header, whatever it says, changes nothing.
    if (header === undefined || !announcesBody(request)) return done(null, payload);
    const codings = parseCodings(header);
    if (codings instanceof RequestError) return done(codings);
    if (codings.length === 0) return done(null, payload);
    done(null, decodedBody(payload, codings, request.routeOptions.bodyLimit));
  });
}

/** The codings of a Content-Encoding header in the order they were applied, identity left out; or the 415 refusing them. */
export function parseCodings(header: string): Coding[] | RequestError {
  const codings: Coding[] = [];
  for (const token of header.split(',')) {
    const name = token.trim().toLowerCase();
    const coding = ALIASES.get(name);
    if (coding === undefined) return unsupported(`content-encoding ${JSON.stringify(name)} is not supported`);
    if (coding !== 'identity') codings.push(coding);
  }
  if (codings.length > MAX_STACKED_CODINGS) return unsupported(`at most ${MAX_STACKED_CODINGS} content codings may be stacked, got ${codings.length}`);
  return codings;
}

function unsupported(reason: string): RequestError {
  return new RequestError('UNSUPPORTED_CONTENT_ENCODING', `${reason}; supported: ${CONTENT_CODINGS.join(', ')}`, CONTENT_CODINGS, { 'accept-encoding': CONTENT_CODINGS.join(', ') });
}

/**
 * What fastify reads instead of the raw request: the decoded bytes, failing with 413 once more than
 * `limit` have come out. `receivedEncodedLength` counts the bytes received on the wire, which fastify
 * compares with Content-Length (and with the limit). Nothing is read from the request until the body
 * is: a request refused before parsing (404, a media type without a parser) leaves its raw body to
 * Node, which discards it, instead of leaving it half read and the connection stuck.
 */
export class DecodedBody extends Transform {
  receivedEncodedLength = 0;
  private decodedLength = 0;

  constructor(
    private readonly limit: number,
    private start: (() => void) | undefined,
    private readonly onDestroy: () => void,
  ) {
    super();
    // Fastify stops listening once it has its answer: a later failure (the client hanging up while the
    // rest is drained) must not become an uncaught 'error'.
    this.on('error', () => undefined);
  }

  override _read(size: number): void {
    const start = this.start;
    this.start = undefined;
    start?.();
    super._read(size);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.decodedLength += chunk.length;
    if (this.decodedLength > this.limit) callback(tooLarge(this.limit));
    else callback(null, chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.onDestroy();
    callback(error);
  }
}

function tooLarge(limit: number): RequestError {
  return new RequestError('PAYLOAD_TOO_LARGE', `the request body is larger than ${limit} bytes once decoded`);
}

/**
 * raw → a decoder per coding (the last applied undone first) → DecodedBody. Each step is a stream with
 * backpressure, so a request holds a few zlib buffers whatever its body inflates to. On any failure
 * every decoder is destroyed (no more inflating) and the rest of the raw body is drained and dropped:
 * fastify answers the error (and `drainRefusedBodies` lets the client finish sending).
 */
function decodedBody(raw: Readable, codings: readonly Coding[], limit: number): DecodedBody {
  const decoders = [...codings].reverse().map((coding) => (coding === 'gzip' ? createGunzip() : createInflate()));
  const first = decoders[0];
  let started = false;
  const countEncoded = (chunk: Buffer): void => {
    body.receivedEncodedLength += chunk.length;
    // Fastify checks this too, but only after the decoders have run on the chunk; refusing here stops them.
    if (body.receivedEncodedLength > limit) body.destroy(tooLarge(limit));
  };
  const start = (): void => {
    started = true;
    decoders.forEach((decoder, i) => {
      decoder.once('error', (error: Error) => body.destroy(new RequestError('INVALID_CONTENT_ENCODING', `the body is not valid ${codings.join(', ')} content: ${error.message}`)));
      decoder.pipe(decoders[i + 1] ?? body);
    });
    raw.on('data', countEncoded);
    raw.once('error', (error: Error) => body.destroy(error));
    raw.pipe(first);
  };
  const stop = (): void => {
    if (!started) return;
    raw.unpipe(first);
    raw.removeListener('data', countEncoded);
    raw.resume();
    for (const decoder of decoders) decoder.destroy();
  };
  const body = new DecodedBody(limit, start, stop);
  return body;
}
