import { parseFaultPoint } from './fault-point';

describe('parseFaultPoint', () => {
  it('reads <name>@<n>', () => {
    expect(parseFaultPoint('outbox.published@2')).toEqual({ name: 'outbox.published', pass: 2 });
  });

  it('is off when unset or empty', () => {
    expect(parseFaultPoint(undefined)).toBeNull();
    expect(parseFaultPoint('')).toBeNull();
  });

  it.each(['outbox.published', 'outbox.published@0', '@2', 'Outbox@1', 'outbox.published@x'])('refuses %s, naming the expected form', (raw) => {
    expect(() => parseFaultPoint(raw)).toThrow(`AIRAN_FAULT_POINT must be <name>@<n> (n from 1), for example outbox.published@2; got "${raw}"`);
  });
});
