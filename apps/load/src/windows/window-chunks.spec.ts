import { chunkWindows } from './window-chunks';

const w = (cellId: string, start = 0) => ({ cellId, start });

describe('chunkWindows', () => {
  it('leaves a small close as one run, in order', () => {
    const windows = [w('a'), w('b'), w('c')];
    expect(chunkWindows(windows, () => undefined, 3)).toEqual([windows]);
    expect(chunkWindows([], () => undefined, 3)).toEqual([]);
  });

  it('splits a large close into runs of at most the size, each window once', () => {
    const windows = Array.from({ length: 10 }, (_, i) => w(`c${i}`));
    const chunks = chunkWindows(windows, () => undefined, 4);
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 2]);
    expect(chunks.flat()).toEqual(windows);
  });

  it('keeps the cells of one node window in one run, and windows of other starts apart', () => {
    const node = (cellId: string) => (cellId.startsWith('n1') ? 'node-1' : undefined);
    const windows = [w('x'), w('n1-a'), w('y'), w('n1-b', 60_000), w('n1-b'), w('n1-c'), w('z')];
    const chunks = chunkWindows(windows, node, 3);
    expect(chunks).toEqual([[w('x')], [w('n1-a'), w('n1-b'), w('n1-c')], [w('y'), w('n1-b', 60_000), w('z')]]);
  });

  it('gives a node window larger than the size a run of its own', () => {
    const windows = [w('a'), ...Array.from({ length: 5 }, (_, i) => w(`n${i}`)), w('b')];
    const chunks = chunkWindows(windows, (cellId) => (cellId.startsWith('n') ? 'node' : undefined), 3);
    expect(chunks.map((c) => c.map((x) => x.cellId))).toEqual([['a'], ['n0', 'n1', 'n2', 'n3', 'n4'], ['b']]);
  });
});
