import { useMemo, useState } from 'preact/hooks';
import type { AlertEvent } from '../api/types';
import { Time } from '../ui/time';
import { StreamBadge } from '../ui/stream-badge';
import { Empty } from '../ui/states';
import { VirtualList } from '../ui/virtual-list';
import { acknowledge } from './alert-actions';
import { DEFAULT_GROUP_BY, type BoardRow, boardRowKey, boardRows, groupAlerts, matchesFilter } from './alert-board.model';
import { AlertDetail } from './alert-detail';
import { useAlertBoard } from './use-alert-board';

type ViewProps = { params: Readonly<Record<string, string>>; setParams: (changes: Readonly<Record<string, string | undefined>>) => void };
const ROW_HEIGHT = 34;

function AlertRow({ alert, selected, onOpen }: { alert: AlertEvent; selected: boolean; onOpen: () => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <div class={`alert-row${selected ? ' selected' : ''}`} data-fingerprint={alert.fingerprint}>
      <span class={`status ${alert.status}`}>{alert.status}</span>
      <button type="button" class="link" onClick={onOpen} title="Open detail">{alert.labels.alertname}</button>
      <span>{alert.labels.site ?? ''}{alert.labels.cell ? ` / ${alert.labels.cell}` : ''}</span>
      <span class="muted"><Time iso={alert.startsAt} /></span>
      <span class="tags">
        {alert.acknowledgement && <span class="tag acked">acked by {alert.acknowledgement.by}</span>}
        {alert.assignee && <span class="tag">→ {alert.assignee}</span>}
        {alert.silencedBy.length > 0 && <span class="tag">silenced</span>}
        {alert.inhibitedBy && <span class="tag">inhibited</span>}
        {alert.flapping && <span class="tag">flapping</span>}
      </span>
      {!alert.acknowledgement && alert.status !== 'resolved' ? (
        <button type="button" disabled={busy} onClick={() => { setBusy(true); acknowledge(alert.fingerprint, '').finally(() => setBusy(false)); }} aria-label={`Ack ${alert.labels.alertname} at ${alert.labels.site ?? ''}`}>
          Ack
        </button>
      ) : <span />}
    </div>
  );
}

export function AlertsView({ params, setParams }: ViewProps) {
  const { board, revision, state } = useAlertBoard();
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const groupBy = params.group ? params.group.split(',').filter(Boolean) : [...DEFAULT_GROUP_BY];
  const groups = useMemo(() => groupAlerts(board.all().filter((alert) => matchesFilter(alert, params)), groupBy), [revision, params, groupBy.join(',')]);
  const rows = useMemo(() => boardRows(groups, collapsed), [groups, collapsed]);
  const selected = params.alert ? board.get(params.alert) : undefined;
  const toggle = (key: string) => setCollapsed((previous) => { const next = new Set(previous); if (!next.delete(key)) next.add(key); return next; });
  const active = groups.reduce((sum, group) => sum + group.alerts.length, 0);
  return (
    <section class="alerts">
      <div class="filters" role="group" aria-label="Filters">
        <label>Status
          <select value={params.status ?? ''} onChange={(event) => setParams({ status: event.currentTarget.value })}>
            <option value="">active</option>
            {['firing', 'pending', 'nodata', 'resolved'].map((status) => <option key={status} value={status}>{status}</option>)}
          </select>
        </label>
        <label>Operator <input size={8} value={params.operator ?? ''} onChange={(event) => setParams({ operator: event.currentTarget.value })} /></label>
        <label>Site <input size={10} value={params.site ?? ''} onChange={(event) => setParams({ site: event.currentTarget.value })} /></label>
        <label>Severity <input size={8} value={params.severity ?? ''} onChange={(event) => setParams({ severity: event.currentTarget.value })} /></label>
        <label>Search <input type="search" value={params.text ?? ''} onChange={(event) => setParams({ text: event.currentTarget.value })} /></label>
        <label>Group by <input size={16} value={groupBy.join(',')} onChange={(event) => setParams({ group: event.currentTarget.value })} /></label>
        <StreamBadge state={state} />
        <span class="muted" aria-live="polite">{active} alerts in {groups.length} groups</span>
      </div>
      <div class="alerts-body">
        {rows.length === 0 ? <Empty>No alerts match.</Empty> : (
          <VirtualList<BoardRow>
            items={rows}
            keyOf={boardRowKey}
            rowHeight={ROW_HEIGHT}
            height={560}
            label="Alert groups"
            render={(row) =>
              row.kind === 'group' ? (
                <button type="button" class="group-row" aria-expanded={!row.collapsed} onClick={() => toggle(row.group.key)}>
                  {Object.entries(row.group.labels).map(([name, value]) => <code key={name} class="label">{name}={value || '∅'}</code>)}
                  <span class="counts">{row.group.counts.firing ? `${row.group.counts.firing} firing ` : ''}{row.group.counts.nodata ? `${row.group.counts.nodata} no data ` : ''}{row.group.counts.pending ? `${row.group.counts.pending} pending ` : ''}{row.group.counts.resolved ? `${row.group.counts.resolved} resolved` : ''}</span>
                </button>
              ) : (
                <AlertRow alert={row.alert} selected={row.alert.fingerprint === params.alert} onOpen={() => setParams({ alert: row.alert.fingerprint })} />
              )
            }
          />
        )}
        {selected && <AlertDetail key={selected.fingerprint} alert={selected} onClose={() => setParams({ alert: undefined })} />}
      </div>
    </section>
  );
}
