import { injectTraceHeaders } from '@airan/observability';
import type { AlertingClient, AlertingRequest, AlertingResponse } from './alerting.client';
import { OpsError } from './ops.errors';

export interface HttpAlertingClientOptions {
  /** Base URL of alerting's HTTP server. */
  readonly url: string;
  /** The shared secret of alerting's internal API; without it nothing is forwarded. */
  readonly token?: string;
  /** Bound on the whole exchange, body included. */
  readonly timeoutMs: number;
}

/** AlertingClient over HTTP. The token goes in the Authorization header only: never in a URL, a message or a log. */
export class HttpAlertingClient implements AlertingClient {
  private readonly base: string;

  constructor(private readonly options: HttpAlertingClientOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  async send(request: AlertingRequest): Promise<AlertingResponse> {
    if (!this.options.token) throw new OpsError('ALERTING_NOT_CONFIGURED', 'alerting operations are not configured on this api (ALERTING_OPS_TOKEN is not set)');
    const headers: Record<string, string> = { ...injectTraceHeaders(), authorization: `Bearer ${this.options.token}`, 'x-airan-actor': request.actor };
    if (request.contentType !== undefined) headers['content-type'] = request.contentType;
    try {
      const response = await fetch(`${this.base}${request.path}${request.query ? `?${request.query}` : ''}`, {
        method: request.method,
        headers,
        body: request.body,
        // A redirect is relayed like any answer, rather than followed with the token.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      return { status: response.status, contentType: response.headers.get('content-type') ?? undefined, body: Buffer.from(await response.arrayBuffer()) };
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw new OpsError('ALERTING_TIMEOUT', `alerting did not answer within ${this.options.timeoutMs} ms`);
      const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
      throw new OpsError('ALERTING_UNAVAILABLE', `alerting is unreachable at ${new URL(this.base).origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }
}
