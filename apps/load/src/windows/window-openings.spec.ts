import { windowOfSample } from '@airan/load-model';
import { type ServedCell, WindowOpenings } from './window-openings';
import { type OpenWindow, windowKey } from './window.model';

const W = 5_000;
const served: Record<string, ServedCell[]> = {
  n1: [
    { cellId: 'a1', siteId: 'site-a', operatorId: 'op' },
    { cellId: 'a2', siteId: 'site-a', operatorId: 'op' },
    { cellId: 'a3', siteId: 'site-a', operatorId: 'op' },
  ],
  n2: [{ cellId: 'b1', siteId: 'site-b', operatorId: 'op' }],
};
const servingNode: Record<string, string> = { a1: 'n1', a2: 'n1', a3: 'n1', b1: 'n2' };
const window = (cellId: string, start: number, siteId: string): OpenWindow => ({ cellId, operatorId: 'op', siteId, start, end: start + W });

type Sample = { kind: 'cell'; cellId: string; siteId: string; ts: number } | { kind: 'gpu'; node: string; ts: number };

function openAll(openings: WindowOpenings, samples: readonly Sample[]): void {
  for (const s of samples) {
    if (s.kind === 'gpu') openings.node(s.node, s.ts);
    else {
      openings.cell(s.cellId, 'op', s.siteId, s.ts);
      if (servingNode[s.cellId]) openings.node(servingNode[s.cellId], s.ts);
    }
  }
}

/** What opening every window again for each sample gives: the behaviour WindowOpenings keeps. */
function reopenedPerSample(samples: readonly Sample[]): OpenWindow[] {
  const opened = new Map<string, OpenWindow>();
  const open = (cellId: string, siteId: string, ts: number) => {
    const bounds = windowOfSample(ts, W);
    opened.set(windowKey(cellId, bounds.start), { cellId, operatorId: 'op', siteId, ...bounds });
  };
  const openNode = (node: string, ts: number) => served[node].forEach((c) => open(c.cellId, c.siteId, ts));
  for (const s of samples) {
    if (s.kind === 'gpu') openNode(s.node, s.ts);
    else {
      open(s.cellId, s.siteId, s.ts);
      if (servingNode[s.cellId]) openNode(servingNode[s.cellId], s.ts);
    }
  }
  return [...opened.values()];
}

describe('WindowOpenings', () => {
  it("opens a node's cells once per node window, however many of its samples arrive", () => {
    const listed: string[] = [];
    const openings = new WindowOpenings(W, (node) => (listed.push(node), served[node]));
    openAll(openings, [
      { kind: 'cell', cellId: 'a1', siteId: 'site-a', ts: 1_000 },
      { kind: 'cell', cellId: 'a2', siteId: 'site-a', ts: 1_000 },
      { kind: 'gpu', node: 'n1', ts: 2_000 },
      { kind: 'cell', cellId: 'a1', siteId: 'site-a', ts: 6_000 },
    ]);
    expect([...openings.windows()]).toEqual([window('a1', 0, 'site-a'), window('a2', 0, 'site-a'), window('a3', 0, 'site-a'), window('a1', W, 'site-a'), window('a2', W, 'site-a'), window('a3', W, 'site-a')]);
    expect(listed).toEqual(['n1', 'n1']);
  });

  it("gives a node's cells the registry's site whatever a report said, and other cells their last report's", () => {
    const openings = new WindowOpenings(W, (node) => served[node]);
    openAll(openings, [
      { kind: 'cell', cellId: 'x1', siteId: 'site-x', ts: 1_000 },
      { kind: 'cell', cellId: 'a2', siteId: 'site-a', ts: 1_000 },
      { kind: 'cell', cellId: 'a1', siteId: 'elsewhere', ts: 1_000 },
      { kind: 'cell', cellId: 'x1', siteId: 'site-y', ts: 1_500 },
    ]);
    expect([...openings.windows()]).toEqual([window('x1', 0, 'site-y'), window('a2', 0, 'site-a'), window('a1', 0, 'site-a'), window('a3', 0, 'site-a')]);
  });

  it('answers what opening every window again for each sample gave, in the same order, for any sequence', () => {
    let seed = 7;
    const next = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const cells = ['a1', 'a2', 'a3', 'b1', 'x1', 'x2'];
    for (let round = 0; round < 50; round++) {
      const samples: Sample[] = Array.from({ length: 1 + next(30) }, () =>
        next(4) === 0 ? { kind: 'gpu', node: next(2) === 0 ? 'n1' : 'n2', ts: 1 + next(3 * W) } : { kind: 'cell', cellId: cells[next(cells.length)], siteId: ['site-a', 'site-b', 'site-x'][next(3)], ts: 1 + next(3 * W) },
      );
      const openings = new WindowOpenings(W, (node) => served[node]);
      openAll(openings, samples);
      expect([...openings.windows()]).toEqual(reopenedPerSample(samples));
    }
  });
});
