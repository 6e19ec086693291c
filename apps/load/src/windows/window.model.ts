import type { CellWindowMetrics } from '@airan/contracts';

/** A cell's event-time window, as opened, closed and stored (start < ts ≤ end, epoch ms). */
export interface WindowKey {
  readonly cellId: string;
  readonly start: number;
  readonly end: number;
}

export interface OpenWindow extends WindowKey {
  readonly operatorId: string;
  readonly siteId: string;
}

export interface ClosedWindow extends OpenWindow {
  readonly pilotId: string | null;
  readonly revision: number;
  readonly metrics: CellWindowMetrics;
  readonly eventId: string;
}

/** Key of a cell's (or a GPU node's) window in the maps the repositories return: `<id>@<start>`. */
export const windowKey = (id: string, start: number) => `${id}@${start}`;
