import { historyRows, registryEntities } from '../api/api-client';
import { type GpuNode, loadRegistry } from '../api/registry';
import type { GpuSample } from '../api/types';
import { formatValue } from '../ui/format';
import { ScopeFilters, sitesInScope } from '../ui/scope-filters';
import { Empty, ErrorNotice, Loading } from '../ui/states';
import { Time } from '../ui/time';
import { useResource } from '../ui/use-resource';
import { latestDevices } from './gpu.model';

type ViewProps = { params: Readonly<Record<string, string>>; setParams: (changes: Readonly<Record<string, string | undefined>>) => void };
const RECENT_MS = 15 * 60_000;

/** A bar for a 0..1 share, with the number beside it (the bar alone carries no unit). */
function Share({ value, kind }: { value: number | null; kind: 'ai' | 'radio' }) {
  return (
    <span class="share">
      <span class={`share-bar ${kind}`} style={{ width: `${Math.round(Math.min(1, Math.max(0, value ?? 0)) * 100)}%` }} />
      <span>{formatValue(value, 'ratio%')}</span>
    </span>
  );
}

export function GpuView({ params, setParams }: ViewProps) {
  const { resource, reload } = useResource(
    async (signal) => {
      const [registry, nodes, samples] = await Promise.all([
        loadRegistry(),
        registryEntities<GpuNode>('gpu-node', {}, signal),
        historyRows<GpuSample>('gpu-samples', { operator: params.operator, from: new Date(Date.now() - RECENT_MS).toISOString() }, 100_000, signal),
      ]);
      return { registry, nodes, samples };
    },
    [params.operator],
    15_000,
  );
  if (resource.status === 'loading') return <Loading what="GPU nodes" />;
  if (resource.status === 'error') return <ErrorNotice error={resource.error} retry={reload} />;
  const { registry, nodes, samples } = resource.data;
  const sites = new Set(sitesInScope(registry, params).map((site) => site.id));
  const rows = latestDevices(samples.filter((s) => sites.has(s.siteId)), nodes);
  return (
    <section class="gpu">
      <ScopeFilters registry={registry} params={params} setParams={setParams} />
      {rows.length === 0 ? <Empty>No GPU samples in the last 15 min for this scope.</Empty> : (
        <table class="data">
          <caption>Latest sample per GPU device (last 15 min)</caption>
          <thead>
            <tr><th scope="col">Site</th><th scope="col">Node</th><th scope="col">GPU</th><th scope="col">AI share</th><th scope="col">Radio share</th><th scope="col">Utilisation</th><th scope="col">Temperature</th><th scope="col">Power</th><th scope="col">Memory used</th><th scope="col">MIG slices</th><th scope="col">Sampled</th></tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.node}|${row.device}`}>
                <td>{row.siteId}</td>
                <th scope="row">{row.node}{row.model ? <small> {row.model}</small> : null}</th>
                <td>{row.device}</td>
                <td><Share value={row.latest.aiShare} kind="ai" /></td>
                <td><Share value={row.latest.radioShare} kind="radio" /></td>
                <td class="num">{formatValue(row.latest.utilPct, '%')}</td>
                <td class="num">{formatValue(row.latest.tempC, '°C')}</td>
                <td class="num">{formatValue(row.latest.powerW, 'W')}</td>
                <td class="num">{formatValue(row.latest.memUsedMib, 'MiB')}</td>
                <td>{row.mig.length ? row.mig.join(', ') : 'not partitioned'}</td>
                <td><Time iso={row.latest.ts} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
