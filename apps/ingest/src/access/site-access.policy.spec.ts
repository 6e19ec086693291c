import type { Principal } from '@airan/auth';
import type { Site } from '@airan/contracts';
import type { RegistryCache } from '@airan/kafka';
import { IngestError } from '../ingest.errors';
import { refuseForeignSites, siteAdmission } from './site-access.policy';
import type { SiteClaim } from './site.claims';

const kt: Principal = { keyId: 'key-kt-1', role: 'operator', subject: 'kt' };
const sites: Record<string, Pick<Site, 'operatorId'>> = { 'kt-daejeon-etri-01': { operatorId: 'kt' }, 'skt-pangyo-01': { operatorId: 'skt' }, 'skt-seoul-gangnam-01': { operatorId: 'skt' } };
const registry = { get: (type: string, id: string) => (type === 'site' ? sites[id] : undefined) } as unknown as RegistryCache;

const claim = (index: number, siteId: string): SiteClaim => ({ index, siteId, path: `$.records[${index}].siteId` });

/** The error refuseForeignSites throws, or undefined when it lets the request through. */
const decide = (claims: SiteClaim[]): unknown => {
  try {
    return refuseForeignSites(claims, registry, kt);
  } catch (error) {
    return error;
  }
};

describe('refuseForeignSites', () => {
  it("refuses a request naming other operators' sites, each refusal a detail with its record's index", () => {
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

  it("refuses it whatever else the request names: the key's own sites, or sites the registry does not know", () => {
    const error = decide([claim(0, 'kt-daejeon-etri-01'), claim(1, 'skt-pangyo-01'), claim(2, 'nowhere-01')]);
    expect(error).toMatchObject({ code: 'SITE_NOT_OWNED', details: [{ index: 1, path: '$.records[1].siteId', code: 'SITE_NOT_OWNED' }] });
  });

  it('lets requests naming no foreign site through', () => {
    expect(decide([claim(0, 'kt-daejeon-etri-01')])).toBeUndefined();
    expect(decide([claim(0, 'nowhere-01')])).toBeUndefined();
    expect(decide([])).toBeUndefined();
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
