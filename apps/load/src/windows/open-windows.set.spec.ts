import { OpenWindowSet } from './open-windows.set';
import type { OpenWindow } from './window.model';

const W = 5_000;
const window = (cellId: string, start: number): OpenWindow => ({ cellId, start, end: start + W, operatorId: 'op', siteId: 'site' });

describe('OpenWindowSet', () => {
  it('returns only the windows not open yet, the rows a batch inserts', () => {
    const set = new OpenWindowSet([window('c1', 0)]);
    expect(set.open([window('c1', 0), window('c2', 0), window('c1', W), window('c2', 0)])).toEqual([window('c2', 0), window('c1', W)]);
    expect(set.open([window('c2', 0), window('c1', W)])).toEqual([]);
  });

  it('takes the windows ending at or before the watermark, once', () => {
    const set = new OpenWindowSet([window('c1', 0), window('c2', 0), window('c1', W), window('c1', 2 * W)]);
    expect(set.takeClosable(W - 1)).toEqual([]);
    expect(set.takeClosable(2 * W)).toEqual([window('c1', 0), window('c2', 0), window('c1', W)]);
    expect(set.takeClosable(2 * W)).toEqual([]);
    expect(set.takeClosable(3 * W)).toEqual([window('c1', 2 * W)]);
  });

  it('opens a closed window again, as a late sample does for a revision', () => {
    const set = new OpenWindowSet([window('c1', 0)]);
    set.takeClosable(W);
    expect(set.open([window('c1', 0)])).toEqual([window('c1', 0)]);
    expect(set.takeClosable(2 * W)).toEqual([window('c1', 0)]);
  });
});
