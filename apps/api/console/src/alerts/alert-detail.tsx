import { useState } from 'preact/hooks';
import { ApiError, getJson } from '../api/api-client';
import type { AlertEvent, AlertNotification } from '../api/types';
import { formatRoute } from '../route/route';
import { formatValue } from '../ui/format';
import { ErrorNotice, Loading } from '../ui/states';
import { Time } from '../ui/time';
import { useResource } from '../ui/use-resource';
import { acknowledge, assign, silenceMatchersFor, unacknowledge } from './alert-actions';

/** Who did what: the actor of a change, where the event names one. */
function actor(event: AlertEvent): string {
  if (event.change === 'acknowledged') return event.acknowledgement?.by ?? '—';
  if (event.change === 'assigned') return event.assignee ? `→ ${event.assignee}` : 'unassigned';
  if (event.change === 'escalated') return 'escalation';
  return 'alerting';
}

async function loadDetail(fingerprint: string, signal: AbortSignal) {
  const [history, notifications] = await Promise.all([
    getJson<{ events: AlertEvent[] }>(`/v1/alerts/${fingerprint}/history`, { limit: 200 }, signal),
    getJson<{ notifications: AlertNotification[] }>(`/v1/alerts/${fingerprint}/notifications`, { limit: 50 }, signal).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return { notifications: [] };
      throw error;
    }),
  ]);
  return { events: history.events, notifications: notifications.notifications };
}

export function AlertDetail({ alert, onClose }: { alert: AlertEvent; onClose: () => void }) {
  const { resource, reload } = useResource((signal) => loadDetail(alert.fingerprint, signal), [alert.fingerprint, alert.id]);
  const [comment, setComment] = useState('');
  const [assignee, setAssignee] = useState(alert.assignee ?? '');
  const [failure, setFailure] = useState<unknown>(undefined);
  const act = (action: () => Promise<unknown>) => { setFailure(undefined); action().then(reload, setFailure); };
  const silenceLink = formatRoute({ view: 'silences', params: { matchers: silenceMatchersFor(alert).join('\n') } });
  return (
    <aside class="detail" aria-label={`Alert ${alert.labels.alertname}`}>
      <header>
        <h3>{alert.labels.alertname} <span class={`status ${alert.status}`}>{alert.status}</span></h3>
        <button type="button" onClick={onClose} aria-label="Close detail">Close</button>
      </header>
      <p>{alert.annotations.summary}</p>
      <dl class="facts">
        <dt>Value</dt><dd>{alert.value === null ? '—' : formatValue(alert.value, alert.labels.unit === 'ratio' ? 'ratio%' : 'count')}</dd>
        <dt>Since</dt><dd><Time iso={alert.startsAt} /></dd>
        <dt>Labels</dt><dd>{Object.entries(alert.labels).map(([name, value]) => <code key={name} class="label">{name}={value}</code>)}</dd>
        <dt>Acknowledged</dt><dd>{alert.acknowledgement ? <>by {alert.acknowledgement.by} at <Time iso={alert.acknowledgement.at} />{alert.acknowledgement.comment ? `: ${alert.acknowledgement.comment}` : ''}</> : 'no'}</dd>
        <dt>Assignee</dt><dd>{alert.assignee ?? 'nobody'}</dd>
        <dt>Trace</dt><dd>{alert.trace.traceparent ? <code>{alert.trace.traceparent}</code> : '—'}{alert.trace.sourceTraceIds.length > 0 && <> · ingest requests {alert.trace.sourceTraceIds.map((id) => <code key={id} class="trace-id">{id}</code>)}</>}</dd>
      </dl>
      {alert.status !== 'resolved' && (
        <div class="actions">
          {alert.acknowledgement ? (
            <button type="button" onClick={() => act(() => unacknowledge(alert.fingerprint))}>Unacknowledge</button>
          ) : (
            <form onSubmit={(event) => { event.preventDefault(); act(() => acknowledge(alert.fingerprint, comment)); }}>
              <label>Comment <input value={comment} onInput={(event) => setComment(event.currentTarget.value)} maxLength={2000} /></label>
              <button type="submit">Acknowledge</button>
            </form>
          )}
          <form onSubmit={(event) => { event.preventDefault(); act(() => assign(alert.fingerprint, assignee.trim() || null)); }}>
            <label>Assignee <input value={assignee} onInput={(event) => setAssignee(event.currentTarget.value)} maxLength={200} /></label>
            <button type="submit">{assignee.trim() ? 'Assign' : 'Unassign'}</button>
          </form>
          <a class="button" href={silenceLink}>Silence…</a>
        </div>
      )}
      {failure !== undefined && <ErrorNotice error={failure} />}
      {resource.status === 'loading' ? <Loading what="history" /> : resource.status === 'error' ? <ErrorNotice error={resource.error} retry={reload} /> : (
        <>
          <table class="data compact">
            <caption>History ({resource.data.events.length} changes)</caption>
            <thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col">Status</th><th scope="col">By</th><th scope="col">Muted by</th></tr></thead>
            <tbody>
              {[...resource.data.events].reverse().map((event) => (
                <tr key={event.id}>
                  <td><Time iso={event.evaluatedAt} /></td>
                  <td>{event.change}</td>
                  <td><span class={`status ${event.status}`}>{event.status}</span></td>
                  <td>{actor(event)}</td>
                  <td>{event.silencedBy.length ? `silence ${event.silencedBy.join(', ')}` : event.inhibitedBy ? `inhibited by ${event.inhibitedBy}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table class="data compact">
            <caption>Notifications ({resource.data.notifications.length})</caption>
            <thead><tr><th scope="col">Queued</th><th scope="col">Receiver</th><th scope="col">Announced</th><th scope="col">Outcome</th></tr></thead>
            <tbody>
              {resource.data.notifications.map((n) => (
                <tr key={n.id}>
                  <td><Time iso={n.createdAt} /></td>
                  <td>{n.receiver} ({n.kind})</td>
                  <td>{n.status}</td>
                  <td>{n.deliveredAt ? <>delivered <Time iso={n.deliveredAt} /></> : n.failedAt ? `gave up after ${n.attempts} attempts: ${n.lastError ?? ''}` : `pending (${n.attempts} attempts${n.lastError ? `, ${n.lastError}` : ''})`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </aside>
  );
}
