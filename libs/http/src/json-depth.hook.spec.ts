import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth.hook';

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('nestedDeeperThan', () => {
  it('counts each array and object level, scalars none', () => {
    expect(nestedDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: [] }] }, 3)).toBe(true);
    expect(nestedDeeperThan('text', 0)).toBe(false);
  });

  it('takes a body at the limit and refuses one a level deeper', () => {
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
  });

  it('measures nesting far beyond what recursion survives', () => {
    expect(nestedDeeperThan(nested(50_000), MAX_JSON_DEPTH)).toBe(true);
  });

  it('does not walk a binary body', () => {
    expect(nestedDeeperThan(Buffer.alloc(1000), 0)).toBe(false);
  });
});
