import type { WindowBounds } from './window';

/**
 * Where a sample stands against its partition's watermark:
 * - `open`: its window has not closed yet;
 * - `late`: its window closed, but within the allowed lateness: the window is recomputed as a new revision;
 * - `too-late`: beyond it: the sample is kept and counted, the window is not revised.
 */
export type Lateness = 'open' | 'late' | 'too-late';

export function latenessOf(window: WindowBounds, watermark: number, allowedLatenessMs: number): Lateness {
  if (watermark < window.end) return 'open';
  return watermark - window.end <= allowedLatenessMs ? 'late' : 'too-late';
}
