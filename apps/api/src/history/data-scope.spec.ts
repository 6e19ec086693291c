import type { Principal, Role } from '@airan/auth';
import { scopeOf } from './data-scope';
import { HistoryError } from './history.errors';

const key = (role: Role, subject: string): Principal => ({ keyId: 'k', role, subject });

describe('whose data a key reads', () => {
  it('ops and admin: everything, or the operator they name', () => {
    for (const role of ['ops', 'admin'] as const) {
      expect(scopeOf(key(role, 'alice'), undefined)).toEqual({ operators: 'all' });
      expect(scopeOf(key(role, 'alice'), 'kt')).toEqual({ operators: ['kt'] });
    }
  });

  it("an operator: its own rows, named or not; another operator's is refused", () => {
    expect(scopeOf(key('operator', 'kt'), undefined)).toEqual({ operators: ['kt'] });
    expect(scopeOf(key('operator', 'kt'), 'kt')).toEqual({ operators: ['kt'] });
    expect(() => scopeOf(key('operator', 'kt'), 'skt')).toThrow(expect.objectContaining({ code: 'OPERATOR_NOT_PERMITTED', details: [expect.objectContaining({ path: 'query.operator' })] }));
  });

  it("a partner: never from here, its scope comes from its grants (DataScopeResolver)", () => {
    expect(() => scopeOf(key('partner', 'etri'), undefined)).toThrow(HistoryError);
    expect(() => scopeOf(key('partner', 'etri'), undefined)).toThrow(expect.objectContaining({ code: 'NO_GRANTS' }));
  });
});
