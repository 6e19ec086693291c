import { mediaType } from '@airan/http';

/** The two OTLP/HTTP encodings `POST /v1/metrics` takes; the answer uses the request's. */
export const OTLP_JSON = 'application/json';
export const OTLP_PROTOBUF = 'application/x-protobuf';

export function isOtlpProtobuf(contentType: string | undefined): boolean {
  return mediaType(contentType) === OTLP_PROTOBUF;
}
