import type { Principal } from '@airan/auth';
import type { Site } from '@airan/contracts';
import type { RegistryCache } from '@airan/kafka';
import type { ParsedBatch, RejectedRecord } from '@airan/telemetry-formats';
import { IngestError } from '../ingest.errors';
import { applyOwnership, decideOwnership, siteAdmission } from './site-access.policy';
import type { SiteClaim } from './site.claims';

const kt: Principal = { keyId: 'key-kt-1', role: 'operator', subject: 'kt' };
const sites: Record<string, Pick<Site, 'operatorId'>> = { 'kt-daejeon-etri-01': { operatorId: 'kt' }, 'skt-pangyo-01': { operatorId: 'skt' }, 'skt-seoul-gangnam-01': { operatorId: 'skt' } };
const registry = { get: (type: string, id: string) => (type === 'site' ? sites[id] : undefined) } as unknown as RegistryCache;

const claim = (index: number, siteId: string): SiteClaim => ({ index, siteId, path: `$.records[${index}].siteId` });

/** The error decideOwnership throws, or its result when it lets the request through. */
const decide = (claims: SiteClaim[]): unknown => {
  try {
    return decideOwnership(claims, registry, kt);
  } catch (error) {
    return error;
  }
};

describe('decideOwnership', () => {
  it("refuses a request naming only other operators' sites, each refusal a detail with its record's index", () => {
    const error = decide([claim(2, 'skt-seoul-gangnam-01'), claim(0, 'skt-pangyo-01')]);
    expect(error).toBeInstanceOf(IngestError);
    expect(error).toMatchObject({
      code: 'SITE_NOT_OWNED',
      message: 'key key-kt-1 may not write these sites',
      details: [
        { index: 0, path: '$.records[0].siteId', code: 'SITE_NOT_OWNED', message: 'site "skt-pangyo-01" belongs to another operator' },
        { index: 2, path: '$.records[2].siteId', code: 'SITE_NOT_OWNED', message: 'site "skt-seoul-gangnam-01" belongs to another operator' },
      ],
    });
  });

  it('refuses it whatever else the request holds: records naming no site, or a site the registry does not know', () => {
    // Records 1 and 2 name nothing the registry knows (no site, a malformed one, an unknown one): they make no claim of the key's own.
    expect(decide([claim(0, 'skt-pangyo-01'), claim(3, 'nowhere-01')])).toBeInstanceOf(IngestError);
  });

  it("answers per record when the request also names a site of the key's operator: the foreign records' refusals by index", () => {
    const foreign = decide([claim(0, 'kt-daejeon-etri-01'), claim(1, 'skt-pangyo-01'), claim(2, 'nowhere-01')]) as ReadonlyMap<number, unknown>;
    expect([...foreign]).toEqual([[1, { path: '$.records[1].siteId', code: 'SITE_NOT_OWNED', message: 'site "skt-pangyo-01" belongs to another operator' }]]);
  });

  it('lets requests naming no foreign site through with nothing to refuse', () => {
    expect((decide([claim(0, 'kt-daejeon-etri-01')]) as ReadonlyMap<number, unknown>).size).toBe(0);
    expect((decide([claim(0, 'nowhere-01')]) as ReadonlyMap<number, unknown>).size).toBe(0);
    expect((decide([]) as ReadonlyMap<number, unknown>).size).toBe(0);
  });
});

describe('applyOwnership', () => {
  it("rejects a foreign record for its site alone, whatever its own errors, and leaves the others' errors", () => {
    const badField: RejectedRecord = { index: 1, siteId: 'skt-pangyo-01', errors: [{ path: '$.records[1].gpuMs', code: 'OUT_OF_RANGE', message: 'negative' }], raw: {} };
    const ownBad: RejectedRecord = { index: 2, siteId: 'kt-daejeon-etri-01', errors: [{ path: '$.records[2].ts', code: 'MISSING_FIELD', message: 'required field is missing' }], raw: {} };
    const parsed: ParsedBatch = { sites: [], accepted: 1, rejected: [badField, ownBad] };
    const refusal = { path: '$.records[1].siteId', code: 'SITE_NOT_OWNED' as const, message: 'site "skt-pangyo-01" belongs to another operator' };
    expect(applyOwnership(parsed, new Map([[1, refusal]])).rejected).toEqual([{ ...badField, errors: [refusal] }, ownBad]);
  });
});

describe('siteAdmission', () => {
  const admit = siteAdmission(registry, kt);

  it("admits the key's own sites", () => {
    expect(admit('kt-daejeon-etri-01', '$.records[0].siteId')).toBeUndefined();
  });

  it("refuses another operator's site and a site the registry does not know, at the path that named it", () => {
    expect(admit('skt-pangyo-01', '$.event.commonEventHeader.sourceName')).toEqual({
      path: '$.event.commonEventHeader.sourceName',
      code: 'SITE_NOT_OWNED',
      message: 'site "skt-pangyo-01" belongs to another operator',
    });
    expect(admit('nowhere-01', 'query.site')).toEqual({ path: 'query.site', code: 'UNKNOWN_SITE', message: 'site "nowhere-01" is not in the pilot registry' });
  });
});
