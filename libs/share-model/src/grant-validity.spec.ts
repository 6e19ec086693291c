import type { Grant } from '@airan/contracts';
import { isGrantActive, redactedFieldsOf } from './grant-validity';

const grant: Grant = {
  id: 'etri-2026',
  partnerId: 'etri',
  products: ['cell-load', 'alerts', 'rollups'],
  operatorIds: ['skt'],
  redact: ['siteId', 'latencyP95Ms'],
  validFrom: '2026-12-01T00:00:00Z',
  validUntil: '2027-01-01T00:00:00+09:00',
};

describe('grant validity and redaction', () => {
  it('is in force from validFrom up to, not including, validUntil; open-ended without one', () => {
    expect(isGrantActive(grant, Date.parse('2026-11-30T23:59:59.999Z'))).toBe(false);
    expect(isGrantActive(grant, Date.parse('2026-12-01T00:00:00Z'))).toBe(true);
    expect(isGrantActive(grant, Date.parse('2026-12-31T14:59:59.999Z'))).toBe(true);
    expect(isGrantActive(grant, Date.parse('2026-12-31T15:00:00Z'))).toBe(false);
    expect(isGrantActive({ ...grant, validUntil: undefined }, Date.parse('2099-01-01T00:00:00Z'))).toBe(true);
  });

  it("redacts per product what it carries of the grant's list, and always the trace context", () => {
    expect(redactedFieldsOf(grant)).toEqual({
      'cell-load': ['latencyP95Ms', 'siteId', 'sourceTraceIds'],
      alerts: ['trace'],
      rollups: [],
    });
  });
});
