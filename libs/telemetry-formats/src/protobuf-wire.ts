/**
 * The protobuf wire format, as much as OTLP needs: a reader that walks one message's fields and a writer
 * for the small responses ingest sends. Hand-written rather than a generated codec: OTLP metrics use a
 * handful of messages, and decoding them straight into the OTLP/JSON shape lets one parser serve both
 * encodings (see otlp.protobuf.ts).
 */

export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** A body that is not valid protobuf: where (byte offset) and why. */
export class WireError extends Error {
  /** JSON path of the message being read, set by the schema-aware decoder. */
  path?: string;

  constructor(
    readonly offset: number,
    reason: string,
  ) {
    super(`${reason} at byte ${offset}`);
    this.name = 'WireError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const MAX_VARINT_BYTES = 10;

export interface WireField {
  readonly number: number;
  readonly wireType: WireType;
  /** Offset of the field's tag, for error messages. */
  readonly offset: number;
}

/** Reads the fields of one message (a slice of the buffer); nested messages get their own reader. */
export class WireReader {
  private pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  /** Where the reader stands, for error messages. */
  get offset(): number {
    return this.pos;
  }

  /** The next field's tag, or undefined at the end of the message. */
  next(): WireField | undefined {
    if (this.pos >= this.end) return undefined;
    const offset = this.pos;
    const tag = this.varint();
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (number < 1 || number > 0x1fffffff) throw new WireError(offset, `field number ${number} is out of range`);
    if (!isWireType(wireType)) throw new WireError(offset, `wire type ${wireType} of field ${number} is not supported (groups are deprecated)`);
    return { number, wireType, offset };
  }

  /** Unsigned varint as a bigint (uint64); callers narrow it. */
  varint(): bigint {
    let result = 0n;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) throw new WireError(this.pos, 'truncated varint');
      const byte = this.bytes[this.pos++];
      result |= BigInt(byte & 0x7f) << BigInt(7 * i);
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new WireError(this.pos, 'varint longer than 10 bytes');
  }

  fixed64(): DataView {
    return this.view(8);
  }

  /** The bytes of a length-delimited field, as a reader over them. */
  message(): WireReader {
    const [start, end] = this.delimited();
    return new WireReader(this.bytes, start, end);
  }

  bytesValue(): Uint8Array {
    const [start, end] = this.delimited();
    return this.bytes.subarray(start, end);
  }

  string(): string {
    const bytes = this.bytesValue();
    try {
      return utf8.decode(bytes);
    } catch {
      throw new WireError(this.pos - bytes.length, 'string is not valid UTF-8');
    }
  }

  /** Skips a field airan does not read (unknown fields are allowed, as in any protobuf decoder). */
  skip(field: WireField): void {
    if (field.wireType === WireType.Varint) this.varint();
    else if (field.wireType === WireType.Fixed64) this.view(8);
    else if (field.wireType === WireType.Fixed32) this.view(4);
    else this.delimited();
  }

  /** Fails unless `field` has the wire type its schema declares. */
  expect(field: WireField, wireType: WireType): void {
    if (field.wireType !== wireType) throw new WireError(field.offset, `field ${field.number} has wire type ${field.wireType}, expected ${wireType}`);
  }

  private delimited(): [number, number] {
    const offset = this.pos;
    const length = this.varint();
    if (length > BigInt(this.end - this.pos)) throw new WireError(offset, `length ${length} runs past the end of the message`);
    const start = this.pos;
    this.pos += Number(length);
    return [start, this.pos];
  }

  private view(size: number): DataView {
    if (this.end - this.pos < size) throw new WireError(this.pos, `truncated ${size * 8}-bit value`);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, size);
    this.pos += size;
    return view;
  }
}

/** Builds a message field by field (only the types ingest's responses use). */
export class WireWriter {
  private readonly chunks: Uint8Array[] = [];

  varintField(number: number, value: bigint | number): this {
    if (BigInt(value) === 0n) return this; // proto3: default values are not written
    return this.push(tag(number, WireType.Varint), varint(BigInt.asUintN(64, BigInt(value))));
  }

  stringField(number: number, value: string): this {
    if (value === '') return this;
    return this.bytesField(number, new TextEncoder().encode(value));
  }

  messageField(number: number, message: WireWriter): this {
    return this.bytesField(number, message.finish());
  }

  finish(): Uint8Array {
    return concat(this.chunks);
  }

  private bytesField(number: number, value: Uint8Array): this {
    return this.push(tag(number, WireType.LengthDelimited), varint(BigInt(value.length)), value);
  }

  private push(...chunks: Uint8Array[]): this {
    this.chunks.push(...chunks);
    return this;
  }
}

const WIRE_TYPES: ReadonlySet<number> = new Set(Object.values(WireType));

function isWireType(value: number): value is WireType {
  return WIRE_TYPES.has(value);
}

function tag(number: number, wireType: WireType): Uint8Array {
  return varint(BigInt((number << 3) | wireType));
}

function varint(value: bigint): Uint8Array {
  const out: number[] = [];
  let rest = value;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return Uint8Array.from(out);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.length;
  }
  return out;
}
