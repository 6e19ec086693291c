import { currentAlerts, historyRows } from '../api/api-client';
import { loadRegistry } from '../api/registry';
import type { AlertEvent, CellWindow } from '../api/types';
import { formatValue } from '../ui/format';
import { ScopeFilters, sitesInScope } from '../ui/scope-filters';
import { ErrorNotice, Loading } from '../ui/states';
import { useResource } from '../ui/use-resource';
import { type SiteStatus, LOAD_BANDS, loadLevel, siteStatuses } from './fleet.model';
import { KOREA_OUTLINE } from './korea-outline';
import { MAP_HEIGHT, MAP_WIDTH, project, ringsPath } from './projection';

const OUTLINE_PATH = ringsPath(KOREA_OUTLINE);
/** How far back a cell's newest closed window still counts as its current load; older, the cell shows no data. */
const RECENT_MS = 15 * 60_000;
/** One row per cell (latestPerCell): this bounds the cells the map can show, not the windows of the range. */
const MAX_CELLS = 200_000;

type ViewProps = { params: Readonly<Record<string, string>>; setParams: (changes: Readonly<Record<string, string | undefined>>) => void };

async function loadFleet(signal: AbortSignal) {
  const from = new Date(Date.now() - RECENT_MS).toISOString();
  const [registry, windows, alerts] = await Promise.all([
    loadRegistry(),
    historyRows<CellWindow>('cell-load', { from, latestPerCell: 'true' }, MAX_CELLS, signal),
    currentAlerts({ active: 'true' }, signal),
  ]);
  return { registry, windows, alerts };
}

function siteLabel(status: SiteStatus): string {
  const alerts = status.firing + status.pending > 0 ? `, ${status.firing} firing and ${status.pending} pending alerts` : ', no active alerts';
  return `${status.site.name}: worst cell inference load ${formatValue(status.worstLoad, 'ratio%')}${status.worstCell ? ` (${status.worstCell})` : ''}${alerts}`;
}

export function FleetView({ params, setParams }: ViewProps) {
  const { resource, reload } = useResource(loadFleet, [], 15_000);
  if (resource.status === 'loading') return <Loading what="the fleet" />;
  if (resource.status === 'error') return <ErrorNotice error={resource.error} retry={reload} />;
  const { registry, windows, alerts } = resource.data;
  const statuses = siteStatuses(sitesInScope(registry, params), windows, alerts);
  const openLoad = (siteId: string) => { location.hash = `#/load?site=${encodeURIComponent(siteId)}`; };
  return (
    <section class="fleet">
      <ScopeFilters registry={registry} params={params} setParams={setParams} />
      <div class="fleet-body">
        <figure class="map">
          <svg viewBox={`0 0 ${MAP_WIDTH.toFixed(0)} ${MAP_HEIGHT.toFixed(0)}`} role="img" aria-label={`Map of Korea with ${statuses.length} sites`}>
            <path d={OUTLINE_PATH} class="land" />
            {statuses.map((status) => {
              const { x, y } = project(status.site.longitude, status.site.latitude);
              return (
                <g key={status.site.id} class={`site load-${loadLevel(status.worstLoad)}${status.firing ? ' alerting' : ''}`} data-site={status.site.id} tabIndex={0} role="link" aria-label={siteLabel(status)} onClick={() => openLoad(status.site.id)} onKeyDown={(event) => event.key === 'Enter' && openLoad(status.site.id)}>
                  <title>{siteLabel(status)}</title>
                  {status.firing > 0 && <circle cx={x} cy={y} r={11} class="alert-ring" />}
                  <circle cx={x} cy={y} r={6} />
                </g>
              );
            })}
          </svg>
          <figcaption class="legend">
            <span class="swatch load-ok" /> under {formatValue(LOAD_BANDS.warm, 'ratio%')} <span class="swatch load-warm" /> {formatValue(LOAD_BANDS.warm, 'ratio%')}–{formatValue(LOAD_BANDS.hot, 'ratio%')} <span class="swatch load-hot" /> over {formatValue(LOAD_BANDS.hot, 'ratio%')} <span class="swatch load-unknown" /> no data <span class="swatch ring" /> firing alerts
          </figcaption>
        </figure>
        <table class="data">
          <caption>Sites by worst cell inference load</caption>
          <thead>
            <tr><th scope="col">Site</th><th scope="col">Operator</th><th scope="col">Pilot</th><th scope="col">Cells</th><th scope="col">Worst cell</th><th scope="col">Inference load</th><th scope="col">Alerts</th></tr>
          </thead>
          <tbody>
            {[...statuses].sort((a, b) => (b.worstLoad ?? -1) - (a.worstLoad ?? -1)).map((status) => (
              <tr key={status.site.id}>
                <th scope="row"><a href={`#/load?site=${encodeURIComponent(status.site.id)}`}>{status.site.name}</a></th>
                <td>{status.site.operatorId}</td>
                <td>{status.site.pilotId ?? '—'}</td>
                <td class="num">{formatValue(status.cells, 'count')}</td>
                <td>{status.worstCell ?? '—'}</td>
                <td class={`num load-${loadLevel(status.worstLoad)}`}>{formatValue(status.worstLoad, 'ratio%')}</td>
                <td class="num">{status.firing > 0 ? <a href={`#/alerts?site=${encodeURIComponent(status.site.id)}`}>{status.firing} firing</a> : status.pending > 0 ? `${status.pending} pending` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
