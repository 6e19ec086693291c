import { type CursorRefusal, bindingOf, decodeCursor, encodeCursor } from './keyset.cursor';

const binding = bindingOf('listing', { site: 'kt-a', from: 1n, active: true, to: undefined });
const check = { binding, keyIsValid: (after: readonly string[]) => after.length === 2, refuse: (reason: CursorRefusal) => new Error(reason) };

describe('keyset cursors', () => {
  it('round-trips the last key, opaque (base64url)', () => {
    const text = encodeCursor({ after: ['2026-12-01T00:00:00.000Z', 'c1'], binding });
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text, check)).toEqual(['2026-12-01T00:00:00.000Z', 'c1']);
  });

  it('binds to the selection whatever the order of its names; undefined values do not count', () => {
    expect(bindingOf('listing', { active: true, from: 1n, site: 'kt-a' })).toBe(binding);
    expect(bindingOf('listing', { site: 'kt-a', from: 1n, active: false })).not.toBe(binding);
    expect(bindingOf('other', { site: 'kt-a', from: 1n, active: true })).not.toBe(binding);
  });

  it.each([
    ['not base64 JSON', 'bm90IGpzb24', 'malformed'],
    ['another version', Buffer.from(JSON.stringify({ v: 2, a: ['1', 'c'], b: binding })).toString('base64url'), 'malformed'],
    ['a non-string key part', Buffer.from(JSON.stringify({ v: 1, a: [1, 'c'], b: binding })).toString('base64url'), 'malformed'],
    ['a key the listing refuses', encodeCursor({ after: ['1'], binding }), 'malformed'],
    ['issued for another query', encodeCursor({ after: ['1', 'c'], binding: bindingOf('listing', {}) }), 'other-query'],
  ])('refuses a cursor that is %s', (_what, text, reason) => {
    expect(() => decodeCursor(text, check)).toThrow(reason);
  });
});
