/** A request to alerting's internal API, made on behalf of a caller of the public one. */
export interface AlertingRequest {
  readonly method: string;
  /** Path on alerting's internal API; any parameters in it are already validated. */
  readonly path: string;
  /** The caller's raw query string (without `?`), passed on as written. */
  readonly query: string;
  readonly body?: string;
  readonly contentType?: string;
  /** Who acts: the caller's key subject, which alerting records on acknowledgements, silences and rule edits. */
  readonly actor: string;
}

/** Alerting's answer, relayed to the caller as it is. */
export interface AlertingResponse {
  readonly status: number;
  readonly contentType?: string;
  readonly body: Buffer;
}

/**
 * The alerting service as the api's ops endpoints see it. Failing to get an answer at all is an
 * OpsError (not configured, unreachable, timed out); any answer, error statuses included, is returned.
 */
export interface AlertingClient {
  send(request: AlertingRequest): Promise<AlertingResponse>;
}

export const ALERTING_CLIENT = Symbol('ALERTING_CLIENT');
