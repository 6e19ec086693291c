import { type OpenWindow, windowKey } from './window.model';

/**
 * One partition's open windows, the same set `load.open_windows` holds for it, kept in step with the table
 * so a batch writes only what changed: the windows it opens for the first time, and the closes. Indexed by
 * end, as the watermark takes them.
 */
export class OpenWindowSet {
  private readonly byEnd = new Map<number, Map<string, OpenWindow>>();

  constructor(stored: readonly OpenWindow[]) {
    this.open(stored);
  }

  /** Opens the windows not open yet and returns them: the rows to insert. */
  open(windows: Iterable<OpenWindow>): OpenWindow[] {
    const opened: OpenWindow[] = [];
    for (const w of windows) {
      let ending = this.byEnd.get(w.end);
      if (!ending) this.byEnd.set(w.end, (ending = new Map()));
      const key = windowKey(w.cellId, w.start);
      if (ending.has(key)) continue;
      ending.set(key, w);
      opened.push(w);
    }
    return opened;
  }

  /** Removes and returns the windows that end at or before the watermark. */
  takeClosable(watermark: number): OpenWindow[] {
    const closable: OpenWindow[] = [];
    for (const [end, windows] of this.byEnd) {
      if (end > watermark) continue;
      closable.push(...windows.values());
      this.byEnd.delete(end);
    }
    return closable;
  }
}
