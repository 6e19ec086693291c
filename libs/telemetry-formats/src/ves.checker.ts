import { isObject, key, typeName } from './format-common';
import type { RecordError } from './record-error';

/** Field checks that append RecordErrors with JSON paths and return the value when it is valid. */
export class Checker {
  constructor(private readonly errors: RecordError[]) {}

  error(path: string, code: RecordError['code'], message: string): void {
    this.errors.push({ path, code, message });
  }

  /** Reports a missing or non-object value; true if it is an object. */
  object(value: unknown, path: string): boolean {
    if (value === undefined) {
      this.error(path, 'MISSING_FIELD', 'required field is missing');
      return false;
    }
    if (!isObject(value)) {
      this.error(path, 'INVALID_TYPE', `must be an object, got ${typeName(value)}`);
      return false;
    }
    return true;
  }

  private field(obj: Record<string, unknown>, path: string, name: string, required: boolean): unknown {
    const value = obj[name];
    if (value === undefined && required) this.error(key(path, name), 'MISSING_FIELD', 'required field is missing');
    return value;
  }

  string(obj: Record<string, unknown>, path: string, name: string, required: boolean): string | undefined {
    const value = this.field(obj, path, name, required);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      this.error(key(path, name), 'INVALID_TYPE', `must be a string, got ${typeName(value)}`);
      return undefined;
    }
    return value;
  }

  oneOf(obj: Record<string, unknown>, path: string, name: string, allowed: readonly string[], required: boolean): string | undefined {
    const value = this.string(obj, path, name, required);
    if (value === undefined) return undefined;
    if (!allowed.includes(value)) {
      this.error(key(path, name), 'INVALID_VALUE', `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got "${value}"`);
      return undefined;
    }
    return value;
  }

  number(obj: Record<string, unknown>, path: string, name: string, required: boolean): number | undefined {
    const value = this.field(obj, path, name, required);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.error(key(path, name), 'INVALID_TYPE', `must be a number, got ${typeName(value)}`);
      return undefined;
    }
    return value;
  }

  integer(obj: Record<string, unknown>, path: string, name: string, required: boolean): number | undefined {
    const value = this.number(obj, path, name, required);
    if (value !== undefined && !Number.isInteger(value)) {
      this.error(key(path, name), 'INVALID_TYPE', `must be an integer, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** Epoch microseconds: a non-negative number (VES `number`). */
  epochMicros(obj: Record<string, unknown>, path: string, name: string): number | undefined {
    const value = this.number(obj, path, name, true);
    if (value !== undefined && value < 0) {
      this.error(key(path, name), 'INVALID_TIMESTAMP', `microseconds since the epoch cannot be negative, got ${value}`);
      return undefined;
    }
    return value;
  }

  /** An optional VES hashMap: an object whose values are all strings. */
  stringMap(obj: Record<string, unknown>, path: string, name: string): void {
    const value = obj[name];
    if (value === undefined) return;
    const mapPath = key(path, name);
    if (!isObject(value)) {
      this.error(mapPath, 'INVALID_TYPE', `must be an object of strings, got ${typeName(value)}`);
      return;
    }
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') this.error(key(mapPath, k), 'INVALID_TYPE', `hashMap values are strings in VES 7.x, got ${typeName(v)}`);
  }
}
