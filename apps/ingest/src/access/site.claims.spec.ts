import { nativeSiteClaims, otlpSiteClaims } from './site.claims';

describe('nativeSiteClaims', () => {
  it('names the site of every record that has a valid site id, whatever else the record holds', () => {
    const records = [{ type: 'cell', siteId: 'skt-pangyo-01', gpuMs: -5 }, 42, { siteId: '' }, { siteId: 'not a site' }, { type: 'nonsense', siteId: 'kt-daejeon-etri-01' }];
    expect(nativeSiteClaims(records)).toEqual([
      { index: 0, siteId: 'skt-pangyo-01', path: '$.records[0].siteId' },
      { index: 4, siteId: 'kt-daejeon-etri-01', path: '$.records[4].siteId' },
    ]);
  });
});

describe('otlpSiteClaims', () => {
  const resource = (site: Record<string, unknown> | undefined, metrics: unknown[]) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'agent' } }, ...(site ? [{ key: 'airan.site.id', value: site }] : [])] },
    scopeMetrics: [{ metrics }],
  });
  const gauge = (points: number) => ({ name: 'RRU.PrbTotDl', gauge: { dataPoints: Array.from({ length: points }, () => ({ asDouble: 1 })) } });

  it("gives every data point its resource's site, counting points as the parser counts its records", () => {
    const body = {
      resourceMetrics: [
        resource({ stringValue: 'skt-pangyo-01' }, [gauge(2), { name: 'x', sum: { dataPoints: [{ asInt: '1' }] } }]),
        resource(undefined, [gauge(1)]),
        resource({ intValue: '42' }, [gauge(1)]),
      ],
    };
    const path = (i: number, kind: string) => `$.resourceMetrics[${i}].resource.attributes[1].value.${kind}`;
    expect(otlpSiteClaims(body)).toEqual([
      { index: 0, siteId: 'skt-pangyo-01', path: path(0, 'stringValue') },
      { index: 1, siteId: 'skt-pangyo-01', path: path(0, 'stringValue') },
      { index: 2, siteId: 'skt-pangyo-01', path: path(0, 'stringValue') },
      { index: 4, siteId: '42', path: path(2, 'intValue') },
    ]);
  });

  it('claims nothing for a body that is not a metrics request', () => {
    expect(otlpSiteClaims(null)).toEqual([]);
    expect(otlpSiteClaims({ resourceMetrics: 'x' })).toEqual([]);
  });
});
