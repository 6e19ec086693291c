import type { Principal } from '@airan/auth';
import type { Site } from '@airan/contracts';
import type { RegistryCache } from '@airan/kafka';
import type { ParsedBatch, RejectedRecord } from '@airan/telemetry-formats';
import { IngestError } from '../ingest.errors';
import { refuseIfNothingOwned, siteAdmission } from './site-access.policy';

const kt: Principal = { keyId: 'key-kt-1', role: 'operator', subject: 'kt' };

const notOwned = (index: number, siteId: string): RejectedRecord => ({
  index,
  siteId,
  errors: [{ path: `$.records[${index}].siteId`, code: 'SITE_NOT_OWNED', message: `site "${siteId}" belongs to another operator` }],
  raw: { siteId },
});

const batch = (accepted: number, rejected: RejectedRecord[]): ParsedBatch => ({ sites: [], accepted, rejected });

/** The error refuseIfNothingOwned throws, or undefined when it lets the request through. */
const refusal = (parsed: ParsedBatch): unknown => {
  try {
    refuseIfNothingOwned(parsed, kt);
    return undefined;
  } catch (error) {
    return error;
  }
};

describe('refuseIfNothingOwned', () => {
  it("refuses a request whose every record is another operator's site, each refusal a detail with its record's index", () => {
    const error = refusal(batch(0, [notOwned(0, 'skt-pangyo-01'), notOwned(2, 'skt-seoul-gangnam-01')]));
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

  it('lets a request through when any record was accepted: the refused ones answer per record', () => {
    expect(refusal(batch(1, [notOwned(1, 'skt-pangyo-01')]))).toBeUndefined();
  });

  it('lets a request through when some record was rejected for another reason', () => {
    const unknownSite: RejectedRecord = { index: 1, siteId: 'nowhere-01', errors: [{ path: '$.records[1].siteId', code: 'UNKNOWN_SITE', message: 'not in the registry' }], raw: {} };
    const badField: RejectedRecord = { index: 2, siteId: 'skt-pangyo-01', errors: [{ path: '$.records[2].gpuMs', code: 'OUT_OF_RANGE', message: 'negative' }], raw: {} };
    expect(refusal(batch(0, [notOwned(0, 'skt-pangyo-01'), unknownSite]))).toBeUndefined();
    expect(refusal(batch(0, [notOwned(0, 'skt-pangyo-01'), badField]))).toBeUndefined();
  });

  it('lets a request with no records at all through', () => {
    expect(refusal(batch(0, []))).toBeUndefined();
  });
});

describe('siteAdmission', () => {
  const sites: Record<string, Pick<Site, 'operatorId'>> = { 'kt-daejeon-etri-01': { operatorId: 'kt' }, 'skt-pangyo-01': { operatorId: 'skt' } };
  const registry = { get: (type: string, id: string) => (type === 'site' ? sites[id] : undefined) } as unknown as RegistryCache;
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
