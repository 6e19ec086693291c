import { at, isObject, key, typeName } from './format-common';
import type { RecordError } from './record-error';
import type { VesObjectShape, VesShape } from './ves.constants';

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
    if (value !== undefined) this.hashMap(value, key(path, name));
  }

  private hashMap(value: unknown, path: string): void {
    if (!isObject(value)) {
      this.error(path, 'INVALID_TYPE', `must be an object of strings, got ${typeName(value)}`);
      return;
    }
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') this.error(key(path, k), 'INVALID_TYPE', `hashMap values are strings in VES 7.x, got ${typeName(v)}`);
  }

  /**
   * A value against a shape of the VES schema (`VES_SHAPES`, which also resolves `{ref}`): JSON type,
   * enum, array items, and for an object its required properties and no other key.
   */
  shape(value: unknown, path: string, shape: VesShape, shapes: Readonly<Record<string, VesObjectShape>>): void {
    if (shape === 'hashMap') return this.hashMap(value, path);
    if (typeof shape === 'string') {
      this.typed(value, path, shape);
      return;
    }
    if ('enum' in shape) {
      if (this.typed(value, path, 'string') && !shape.enum.includes(value as string)) this.error(path, 'INVALID_VALUE', `must be one of ${shape.enum.map((a) => `"${a}"`).join(', ')}; got "${value as string}"`);
      return;
    }
    if ('items' in shape) {
      if (!Array.isArray(value)) this.error(path, 'INVALID_TYPE', `must be an array, got ${typeName(value)}`);
      else value.forEach((item, i) => this.shape(item, at(path, i), shape.items, shapes));
      return;
    }
    const definition = shapes[shape.ref];
    if (!definition) throw new Error(`VES shape "${shape.ref}" is not defined`);
    if (!this.typed(value, path, 'object')) return;
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) if (!Object.hasOwn(definition.properties, k)) this.error(key(path, k), 'UNKNOWN_FIELD', 'unknown field');
    for (const [k, propertyShape] of Object.entries(definition.properties)) {
      if (obj[k] !== undefined) this.shape(obj[k], key(path, k), propertyShape, shapes);
      else if (definition.required.includes(k)) this.error(key(path, k), 'MISSING_FIELD', 'required field is missing');
    }
  }

  /** Reports a value that is not of the JSON type; true if it is. */
  private typed(value: unknown, path: string, type: 'string' | 'number' | 'integer' | 'object'): boolean {
    if (type === 'string' || type === 'object') {
      const ok = type === 'string' ? typeof value === 'string' : isObject(value);
      if (!ok) this.error(path, 'INVALID_TYPE', `must be ${type === 'string' ? 'a string' : 'an object'}, got ${typeName(value)}`);
      return ok;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.error(path, 'INVALID_TYPE', `must be ${type === 'integer' ? 'an integer' : 'a number'}, got ${typeName(value)}`);
      return false;
    }
    if (type === 'integer' && !Number.isInteger(value)) {
      this.error(path, 'INVALID_TYPE', `must be an integer, got ${value}`);
      return false;
    }
    return true;
  }
}
