import { EncodedErrorBody, ErrorBody, type MappedError } from '@airan/http';
import { encodeRpcStatus } from '@airan/telemetry-formats';
import { isOtlpProtobuf, OTLP_PROTOBUF } from './otlp.media-types';

/** Field errors spelled into the Status message: protobuf clients get no JSON body to read them from. */
const FIELD_ERRORS_IN_MESSAGE = 5;

/**
 * OTLP/HTTP failures in the request's encoding: a google.rpc.Status in protobuf for protobuf clients
 * (also when fastify refuses the body before the controller runs), airan's JSON error body otherwise.
 */
export const OtlpErrorBody = ErrorBody((error, request) =>
  isOtlpProtobuf(request.headers['content-type']) ? new EncodedErrorBody(OTLP_PROTOBUF, Buffer.from(encodeRpcStatus(error.status, statusMessage(error)))) : undefined,
);

function statusMessage({ code, message, details }: MappedError): string {
  const fields = Array.isArray(details) ? (details as Array<{ path?: unknown; message?: unknown }>) : [];
  const listed = fields.slice(0, FIELD_ERRORS_IN_MESSAGE).map((f) => `${String(f.path)}: ${String(f.message)}`);
  if (fields.length > listed.length) listed.push(`${fields.length - listed.length} more`);
  return [`${code}: ${message}`, ...listed].join('; ');
}
