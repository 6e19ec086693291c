import type { AlertEvent, AlertStatus } from '../api/types';
import { compareText } from '../ui/order';
import { groupKey, groupLabels } from './alert-labels';

/** Alertmanager's default grouping for airan's rules: one group per rule and operator. */
export const DEFAULT_GROUP_BY = ['alertname', 'operator'] as const;
const STATUS_ORDER: Readonly<Record<AlertStatus, number>> = { firing: 0, nodata: 1, pending: 2, resolved: 3 };

/**
 * Current alerts by fingerprint. Stream events replace what is held (they arrive in order per alert);
 * a snapshot from `GET /v1/alerts` only fills alerts the stream has not spoken of yet, since it may be
 * older than events already applied.
 */
export class AlertBoard {
  private readonly alerts = new Map<string, AlertEvent>();
  private version = 0;

  applyEvent(event: AlertEvent): void {
    this.alerts.set(event.fingerprint, event);
    this.version++;
  }

  applySnapshot(alerts: readonly AlertEvent[]): void {
    for (const alert of alerts) if (!this.alerts.has(alert.fingerprint)) this.alerts.set(alert.fingerprint, alert);
    this.version++;
  }

  clear(): void {
    this.alerts.clear();
    this.version++;
  }

  get(fingerprint: string): AlertEvent | undefined {
    return this.alerts.get(fingerprint);
  }

  /** Changes whenever the board does: a cheap memo key for views. */
  get revision(): number {
    return this.version;
  }

  all(): AlertEvent[] {
    return [...this.alerts.values()];
  }
}

export interface BoardFilter {
  readonly status?: string;
  readonly operator?: string;
  readonly site?: string;
  readonly severity?: string;
  readonly text?: string;
  /** `true`: acknowledged only; `false`: not acknowledged only. */
  readonly acknowledged?: string;
  /** Resolved alerts are hidden unless asked for. */
  readonly resolved?: string;
}

export function matchesFilter(alert: AlertEvent, filter: BoardFilter): boolean {
  if (filter.status ? alert.status !== filter.status : alert.status === 'resolved' && filter.resolved !== 'show') return false;
  if (filter.operator && alert.labels.operator !== filter.operator) return false;
  if (filter.site && alert.labels.site !== filter.site) return false;
  if (filter.severity && alert.labels.severity !== filter.severity) return false;
  if (filter.acknowledged === 'true' && !alert.acknowledgement) return false;
  if (filter.acknowledged === 'false' && alert.acknowledgement) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const haystack = [...Object.values(alert.labels), alert.annotations.summary ?? '', alert.assignee ?? ''].join(' ').toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

export interface AlertGroup {
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly alerts: readonly AlertEvent[];
  readonly counts: Readonly<Record<AlertStatus, number>>;
}

/** Groups as Alertmanager forms them (the group-by labels' values), worst first; alerts in a group worst and newest first. */
export function groupAlerts(alerts: readonly AlertEvent[], groupBy: readonly string[]): AlertGroup[] {
  const groups = new Map<string, { labels: Record<string, string>; alerts: AlertEvent[] }>();
  for (const alert of alerts) {
    const labels = groupLabels(groupBy, alert.labels);
    const key = groupKey(labels);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { labels, alerts: [] }));
    group.alerts.push(alert);
  }
  const byWorst = (a: AlertEvent, b: AlertEvent) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || compareText(b.evaluatedAt, a.evaluatedAt) || compareText(a.fingerprint, b.fingerprint);
  return [...groups.entries()]
    .map(([key, group]) => {
      const counts = { firing: 0, nodata: 0, pending: 0, resolved: 0 };
      for (const alert of group.alerts) counts[alert.status]++;
      return { key, labels: group.labels, alerts: group.alerts.sort(byWorst), counts };
    })
    .sort((a, b) => byWorst(a.alerts[0], b.alerts[0]) || compareText(a.key, b.key));
}

export type BoardRow = { readonly kind: 'group'; readonly group: AlertGroup; readonly collapsed: boolean } | { readonly kind: 'alert'; readonly alert: AlertEvent };

/** A row's identity on the board, whatever its position: a group's key or an alert's fingerprint. */
export const boardRowKey = (row: BoardRow): string => (row.kind === 'group' ? `group:${row.group.key}` : `alert:${row.alert.fingerprint}`);

/** The rows the virtual list shows: each group's header, then its alerts unless collapsed. */
export function boardRows(groups: readonly AlertGroup[], collapsed: ReadonlySet<string>): BoardRow[] {
  const rows: BoardRow[] = [];
  for (const group of groups) {
    const isCollapsed = collapsed.has(group.key);
    rows.push({ kind: 'group', group, collapsed: isCollapsed });
    if (!isCollapsed) for (const alert of group.alerts) rows.push({ kind: 'alert', alert });
  }
  return rows;
}
