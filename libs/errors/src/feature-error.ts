/**
 * The base of every feature's errors: a feature name (which picks the transport's status map) and a
 * code from the feature's own closed list. Transports map them (libs/http for HTTP); features never
 * pick status codes themselves.
 */
export abstract class FeatureError<C extends string> extends Error {
  abstract readonly feature: string;

  constructor(
    readonly code: C,
    message: string,
    /** Field-level findings, for the error body. */
    readonly details?: unknown,
    /** Seconds a client should wait before retrying (503, 429). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
