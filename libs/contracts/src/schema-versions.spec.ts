import { ALERT_SCHEMA, CELL_LOAD_SCHEMA, REGISTRY_SCHEMA } from './index';
import { unknownSchemaOf } from './schema-versions';

describe('unknownSchemaOf', () => {
  it('passes every schema this build reads', () => {
    for (const schema of [ALERT_SCHEMA, CELL_LOAD_SCHEMA, REGISTRY_SCHEMA]) expect(unknownSchemaOf({ schema, id: 'x' })).toBeUndefined();
  });

  it('names another major version, an unknown name and a schema that is not text', () => {
    expect(unknownSchemaOf({ schema: 'airan.cell-load/2' })).toBe('airan.cell-load/2');
    expect(unknownSchemaOf({ schema: 'acme.thing/1' })).toBe('acme.thing/1');
    expect(unknownSchemaOf({ schema: 2 })).toBe('2');
  });

  it('leaves a value without a schema, and a value that is no object, to their own validation', () => {
    expect(unknownSchemaOf({ id: 'x' })).toBeUndefined();
    expect(unknownSchemaOf(null)).toBeUndefined();
    expect(unknownSchemaOf('text')).toBeUndefined();
  });
});
