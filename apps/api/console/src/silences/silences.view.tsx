import { useState } from 'preact/hooks';
import { currentAlerts, getJson, send } from '../api/api-client';
import type { AlertEvent } from '../api/types';
import { formatMatcher } from '../alerts/alert-labels';
import { ErrorNotice, Loading } from '../ui/states';
import { Time } from '../ui/time';
import { useResource } from '../ui/use-resource';
import { checkDraft } from './silence-draft';

type ViewProps = { params: Readonly<Record<string, string>>; setParams: (changes: Readonly<Record<string, string | undefined>>) => void };

interface StoredSilence {
  readonly id: string;
  readonly matchers: ReadonlyArray<{ name: string; op: '=' | '!=' | '=~' | '!~'; value: string }>;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly endsOnResolve: boolean;
  readonly expiredBy: string | null;
}

const DURATIONS = [['1h', 3_600_000], ['4h', 14_400_000], ['1d', 86_400_000], ['1w', 604_800_000]] as const;
const iso = (ms: number) => new Date(ms).toISOString();

function NewSilence({ initialMatchers, alerts, onCreated }: { initialMatchers: string; alerts: readonly AlertEvent[]; onCreated: () => void }) {
  const [matchers, setMatchers] = useState(initialMatchers);
  const [duration, setDuration] = useState<number>(DURATIONS[0][1]);
  const [comment, setComment] = useState('');
  const [endsOnResolve, setEndsOnResolve] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);
  const check = checkDraft(matchers, alerts);
  const submit = (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    const body = { matchers: matchers.split('\n').map((l) => l.trim()).filter(Boolean), endsAt: iso(Date.now() + duration), comment, endsOnResolve };
    send('POST', '/v1/silences', body).then(() => { setComment(''); onCreated(); }, setFailure);
  };
  return (
    <form class="silence-form" onSubmit={submit} aria-label="New silence">
      <h3>New silence</h3>
      <label>
        Matchers, one per line (<code>site="kt-seoul-1"</code>, <code>alertname=~"High.*"</code>)
        <textarea rows={4} value={matchers} onInput={(event) => setMatchers(event.currentTarget.value)} aria-invalid={check.errors.length > 0} aria-describedby="matcher-errors" />
      </label>
      <ul id="matcher-errors" class="field-errors">{check.errors.map((e) => <li key={e.path}><code>{e.path}</code>: {e.message}</li>)}</ul>
      <label>Duration
        <select value={String(duration)} onChange={(event) => setDuration(Number(event.currentTarget.value))}>
          {DURATIONS.map(([label, ms]) => <option key={label} value={String(ms)}>{label}</option>)}
        </select>
      </label>
      <label>Comment <input required value={comment} onInput={(event) => setComment(event.currentTarget.value)} maxLength={2000} /></label>
      <label class="check"><input type="checkbox" checked={endsOnResolve} onChange={(event) => setEndsOnResolve(event.currentTarget.checked)} /> End when the alerts it mutes resolve</label>
      <button type="submit" disabled={check.errors.length > 0}>Create silence</button>
      {failure !== undefined && <ErrorNotice error={failure} />}
      <section class="preview" aria-live="polite">
        <h4>Would mute {check.matched.length} active alerts now</h4>
        <ul>{check.matched.slice(0, 50).map((a) => <li key={a.fingerprint}><span class={`status ${a.status}`}>{a.status}</span> {a.labels.alertname} {a.labels.site ?? ''} {a.labels.cell ?? ''}</li>)}</ul>
      </section>
    </form>
  );
}

export function SilencesView({ params }: ViewProps) {
  const [showExpired, setShowExpired] = useState(false);
  const { resource, reload } = useResource(
    async (signal) => {
      const [silences, alerts] = await Promise.all([getJson<{ silences: StoredSilence[] }>('/v1/silences', { expired: showExpired ? 'true' : undefined }, signal), currentAlerts({ active: 'true' }, signal)]);
      return { silences: silences.silences, alerts };
    },
    [showExpired],
    30_000,
  );
  const [failure, setFailure] = useState<unknown>(undefined);
  if (resource.status === 'loading') return <Loading what="silences" />;
  if (resource.status === 'error') return <ErrorNotice error={resource.error} retry={reload} />;
  const now = Date.now();
  return (
    <section class="silences">
      <NewSilence initialMatchers={params.matchers ?? ''} alerts={resource.data.alerts} onCreated={reload} />
      <label class="check"><input type="checkbox" checked={showExpired} onChange={(event) => setShowExpired(event.currentTarget.checked)} /> Show expired</label>
      {failure !== undefined && <ErrorNotice error={failure} />}
      <table class="data">
        <caption>Silences ({resource.data.silences.length})</caption>
        <thead><tr><th scope="col">Matchers</th><th scope="col">State</th><th scope="col">Starts</th><th scope="col">Ends</th><th scope="col">By</th><th scope="col">Comment</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          {resource.data.silences.map((silence) => {
            const running = silence.startsAt <= now && silence.endsAt > now;
            const state = silence.endsAt <= now ? `expired${silence.expiredBy ? ` (${silence.expiredBy})` : ''}` : running ? 'active' : 'pending';
            return (
              <tr key={silence.id} data-silence={silence.id}>
                <td>{silence.matchers.map((m) => <code key={`${m.name}${m.op}${m.value}`} class="label">{formatMatcher(m)}</code>)}</td>
                <td>{state}{silence.endsOnResolve ? ', ends on resolve' : ''}</td>
                <td><Time iso={iso(silence.startsAt)} /></td>
                <td><Time iso={iso(silence.endsAt)} /></td>
                <td>{silence.createdBy}</td>
                <td>{silence.comment}</td>
                <td>{silence.endsAt > now && <button type="button" onClick={() => { setFailure(undefined); send('DELETE', `/v1/silences/${silence.id}`).then(reload, setFailure); }}>Expire</button>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
