import { WireReader, WireType } from '@airan/telemetry-formats';

/**
 * Decodes a google.rpc.Status body: `code` (field 1, varint) and `message` (field 2, string); other
 * fields are skipped, absent ones stay 0 / ''. Throws the reader's WireError on malformed bytes.
 */
export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const status = { code: 0, message: '' };
  const reader = new WireReader(bytes);
  for (let field = reader.next(); field; field = reader.next()) {
    if (field.number === 1 && field.wireType === WireType.Varint) status.code = Number(reader.varint());
    else if (field.number === 2 && field.wireType === WireType.LengthDelimited) status.message = reader.string();
    else reader.skip(field);
  }
  return status;
}
