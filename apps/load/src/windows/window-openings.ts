import { windowOfSample } from '@airan/load-model';
import { type OpenWindow, windowKey } from './window.model';

/** A cell a GPU node serves, with the site and operator the registry gives it. */
export interface ServedCell {
  readonly cellId: string;
  readonly siteId: string;
  readonly operatorId: string;
}

/**
 * The windows a segment's new samples open. A cell sample opens its cell's window; a sample of a cell that a
 * GPU node serves, or of the node itself, opens the window of every cell the node serves, so each share of
 * the node's time is computed from the same data. A node's cells are listed once per node window, not once
 * per sample: with one node per site, every sample of a 100-cell site used to open all 100 windows again.
 *
 * What it answers is what opening every window again for each sample gave, in the same order: the windows
 * in the order first opened, a node's cells with the registry's site and operator, and any other cell with
 * its last report's.
 */
export class WindowOpenings {
  private readonly opened = new Map<string, OpenWindow>();
  private readonly nodeWindows = new Map<string, OpenWindow[]>();

  constructor(
    private readonly windowMs: number,
    private readonly cellsOf: (node: string) => readonly ServedCell[],
  ) {}

  cell(cellId: string, operatorId: string, siteId: string, ts: number): void {
    const bounds = windowOfSample(ts, this.windowMs);
    this.opened.set(windowKey(cellId, bounds.start), { cellId, operatorId, siteId, ...bounds });
  }

  node(node: string, ts: number): void {
    const bounds = windowOfSample(ts, this.windowMs);
    const key = windowKey(node, bounds.start);
    if (this.nodeWindows.has(key)) return;
    const cells = this.cellsOf(node).map(({ cellId, operatorId, siteId }) => ({ cellId, operatorId, siteId, ...bounds }));
    this.nodeWindows.set(key, cells);
    this.openAll(cells);
  }

  windows(): Iterable<OpenWindow> {
    // A report's own site and operator for a node's cell never outlast the registry's.
    for (const cells of this.nodeWindows.values()) this.openAll(cells);
    return this.opened.values();
  }

  private openAll(cells: readonly OpenWindow[]): void {
    for (const w of cells) this.opened.set(windowKey(w.cellId, w.start), w);
  }
}
