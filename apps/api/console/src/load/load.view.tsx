import { useMemo } from 'preact/hooks';
import { loadRegistry } from '../api/registry';
import { formatClock, formatValue } from '../ui/format';
import { ScopeFilters, sitesInScope } from '../ui/scope-filters';
import { Empty, ErrorNotice, Loading } from '../ui/states';
import { useResource } from '../ui/use-resource';
import { VirtualList } from '../ui/virtual-list';
import { StreamBadge } from '../ui/stream-badge';
import { type HeatmapMetric, HEATMAP_METRICS, METRIC_TITLES, buildHeatmap, heatColour } from './heatmap.model';
import { type ChartScope, loadSeries, parseChartScope } from './load-series';
import { SeriesChart } from './series-chart';
import { useLiveWindows } from './use-live-windows';

type ViewProps = { params: Readonly<Record<string, string>>; setParams: (changes: Readonly<Record<string, string | undefined>>) => void };

const MINUTES = [15, 30, 60] as const;
const ROW_HEIGHT = 22;

function defaultChart(params: Readonly<Record<string, string>>): ChartScope | undefined {
  return parseChartScope(params.chart) ?? (params.site ? { kind: 'site', id: params.site } : params.pilot ? { kind: 'pilot', id: params.pilot } : params.operator ? { kind: 'operator', id: params.operator } : undefined);
}

const HOUR_MS = 3_600_000;

function LoadChart({ scope }: { scope: ChartScope }) {
  const { resource } = useResource(async (signal) => ({ to: Date.now(), series: await loadSeries(scope, new Date(Date.now() - HOUR_MS).toISOString(), signal) }), [scope.kind, scope.id], 30_000);
  if (resource.status === 'loading') return <Loading what="the chart" />;
  if (resource.status === 'error') return <ErrorNotice error={resource.error} />;
  const { times, inference, radio, headroom } = resource.data.series;
  const range = [(resource.data.to - HOUR_MS) / 1000, resource.data.to / 1000] as const;
  if (times.length === 0) return <Empty>No windows for {scope.kind} {scope.id} in the last hour.</Empty>;
  return (
    <SeriesChart
      title={`${scope.kind} ${scope.id}: load, last hour (%)`}
      times={times}
      range={range}
      series={[
        { label: 'Inference load', colour: '#d9480f', values: inference },
        { label: 'Radio load', colour: '#1c7ed6', values: radio },
        { label: 'Headroom', colour: '#2b8a3e', values: headroom },
      ]}
    />
  );
}

export function LoadView({ params, setParams }: ViewProps) {
  const metric: HeatmapMetric = (HEATMAP_METRICS as readonly string[]).includes(params.metric) ? (params.metric as HeatmapMetric) : 'inferenceLoad';
  const minutes = Number(params.minutes) || 15;
  const filters = { operator: params.operator, pilot: params.pilot, site: params.site };
  const { resource: registry } = useResource(() => loadRegistry(), []);
  const { windows, error, state } = useLiveWindows(filters, minutes);
  const heatmap = useMemo(() => (windows ? buildHeatmap(windows, metric, minutes) : undefined), [windows, metric, minutes]);
  const chart = defaultChart(params);
  if (registry.status === 'loading') return <Loading what="the registry" />;
  if (registry.status === 'error') return <ErrorNotice error={registry.error} />;
  const sites = sitesInScope(registry.data, params);
  return (
    <section class="load">
      <ScopeFilters registry={registry.data} params={params} setParams={setParams}>
        <label>
          Site
          <select value={params.site ?? ''} onChange={(event) => setParams({ site: event.currentTarget.value, chart: undefined })}>
            <option value="">all</option>
            {sites.map((site) => <option key={site.id} value={site.id}>{site.name}</option>)}
          </select>
        </label>
        <label>
          Metric
          <select value={metric} onChange={(event) => setParams({ metric: event.currentTarget.value })}>
            {HEATMAP_METRICS.map((m) => <option key={m} value={m}>{METRIC_TITLES[m]}</option>)}
          </select>
        </label>
        <label>
          Window
          <select value={String(minutes)} onChange={(event) => setParams({ minutes: event.currentTarget.value })}>
            {MINUTES.map((m) => <option key={m} value={String(m)}>last {m} min</option>)}
          </select>
        </label>
        <StreamBadge state={state} />
      </ScopeFilters>
      {chart ? <LoadChart scope={chart} /> : <p class="hint">Pick an operator, pilot or site, or a cell in the heatmap, to chart its load.</p>}
      {error ? <ErrorNotice error={error} /> : !heatmap ? <Loading what="cell windows" /> : heatmap.rows.length === 0 ? <Empty>No closed windows in the last {minutes} min for this scope.</Empty> : (
        <div class="heatmap" role="table" aria-label={`${METRIC_TITLES[metric]} per cell and window (%)`} style={{ '--columns': String(heatmap.columns.length) }}>
          <div class="hm-head" role="row">
            <span role="columnheader">Cell ({heatmap.rows.length})</span>
            {heatmap.columns.map((start) => <span role="columnheader" key={start} title={`${start} UTC`}>{formatClock(start)}</span>)}
          </div>
          <VirtualList
            items={heatmap.rows}
            keyOf={(row) => row.cellId}
            rowHeight={ROW_HEIGHT}
            height={Math.min(520, heatmap.rows.length * ROW_HEIGHT + 4)}
            label="Cells"
            role="rowgroup"
            render={(row) => (
              <div class="hm-row" role="row">
                <span role="rowheader">
                  <button type="button" class="hm-cell-name" onClick={() => setParams({ chart: `cell:${row.cellId}` })} title={`${row.siteId} / ${row.cellId}: chart this cell`}>
                    {row.cellId}
                  </button>
                </span>
                {row.values.map((value, i) => (
                  <span key={heatmap.columns[i]} role="cell" class="hm" data-cell={row.cellId} data-window={heatmap.columns[i]} data-value={value ?? ''} style={{ background: heatColour(value, metric) }} title={`${row.cellId} at ${formatClock(heatmap.columns[i])}: ${formatValue(value, 'ratio%')}`} aria-label={formatValue(value, 'ratio%')} />
                ))}
              </div>
            )}
          />
        </div>
      )}
    </section>
  );
}
