import { getJson } from '../api/api-client';
import { loadRegistry } from '../api/registry';
import { formatAge, formatValue } from '../ui/format';
import { ScopeFilters } from '../ui/scope-filters';
import { Empty, ErrorNotice, Loading } from '../ui/states';
import { Time } from '../ui/time';
import { useResource } from '../ui/use-resource';

type ViewProps = { params: Readonly<Record<string, string>>; setParams: (changes: Readonly<Record<string, string | undefined>>) => void };

interface SiteHealth {
  readonly siteId: string;
  readonly operatorId: string;
  readonly pilotId: string | null;
  readonly lastSeenAt: string | null;
  readonly accepted: { readonly samples: number; readonly perMinute: number };
  readonly rejected: { readonly records: number; readonly perMinute: number };
  readonly recentDeadLetters: ReadonlyArray<{ eventId: string; receivedAt: string; format: string; reason: string; firstError: { path: string; code: string; message: string } | null }>;
}

const WINDOWS = [15, 60, 240] as const;

export function IngestView({ params, setParams }: ViewProps) {
  const window = Number(params.window) || 15;
  const { resource, reload } = useResource(
    async (signal) => {
      const [registry, health] = await Promise.all([loadRegistry(), getJson<{ sites: SiteHealth[] }>('/v1/ingest/health', { window, operator: params.operator, pilot: params.pilot }, signal)]);
      return { registry, sites: health.sites };
    },
    [window, params.operator, params.pilot],
    15_000,
  );
  if (resource.status === 'loading') return <Loading what="ingest health" />;
  if (resource.status === 'error') return <ErrorNotice error={resource.error} retry={reload} />;
  const now = Date.now();
  const { registry, sites } = resource.data;
  return (
    <section class="ingest">
      <ScopeFilters registry={registry} params={params} setParams={setParams}>
        <label>Over
          <select value={String(window)} onChange={(event) => setParams({ window: event.currentTarget.value })}>
            {WINDOWS.map((m) => <option key={m} value={String(m)}>last {m} min</option>)}
          </select>
        </label>
      </ScopeFilters>
      {sites.length === 0 ? <Empty>No sites in this scope.</Empty> : (
        <table class="data">
          <caption>Ingest per site, last {window} min</caption>
          <thead><tr><th scope="col">Site</th><th scope="col">Operator</th><th scope="col">Last seen</th><th scope="col">Accepted</th><th scope="col">Rejected</th><th scope="col">Recent dead letters</th></tr></thead>
          <tbody>
            {sites.map((site) => (
              <tr key={site.siteId} class={site.rejected.records > 0 ? 'has-rejects' : undefined}>
                <th scope="row">{site.siteId}</th>
                <td>{site.operatorId}</td>
                <td>{site.lastSeenAt ? <span title={new Date(site.lastSeenAt).toISOString()}>{formatAge(site.lastSeenAt, now)}</span> : 'never'}</td>
                <td class="num">{formatValue(site.accepted.perMinute, '/min')} <small>({formatValue(site.accepted.samples, 'count')} samples)</small></td>
                <td class="num">{formatValue(site.rejected.perMinute, '/min')} <small>({formatValue(site.rejected.records, 'count')} records)</small></td>
                <td>
                  {site.recentDeadLetters.length === 0 ? '—' : (
                    <ul class="dead-letters">
                      {site.recentDeadLetters.map((letter) => (
                        <li key={letter.eventId}><Time iso={letter.receivedAt} /> {letter.format}: {letter.reason}{letter.firstError ? <> (<code>{letter.firstError.path}</code> {letter.firstError.message})</> : null}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
