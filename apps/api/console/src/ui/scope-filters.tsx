import type { Registry } from '../api/registry';

/** Operator and pilot pickers; the choice lives in the URL (`operator=`, `pilot=`). */
export function ScopeFilters({ registry, params, setParams, children }: { registry: Registry; params: Readonly<Record<string, string>>; setParams: (changes: Readonly<Record<string, string | undefined>>) => void; children?: preact.ComponentChildren }) {
  const pilots = registry.pilots.filter((pilot) => !params.operator || pilot.operatorId === params.operator);
  return (
    <div class="filters" role="group" aria-label="Filters">
      <label>
        Operator
        <select value={params.operator ?? ''} onChange={(event) => setParams({ operator: event.currentTarget.value, pilot: undefined })}>
          <option value="">all</option>
          {registry.operators.map((operator) => (
            <option key={operator.id} value={operator.id}>
              {operator.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Pilot
        <select value={params.pilot ?? ''} onChange={(event) => setParams({ pilot: event.currentTarget.value })}>
          <option value="">all</option>
          {pilots.map((pilot) => (
            <option key={pilot.id} value={pilot.id}>
              {pilot.name}
            </option>
          ))}
        </select>
      </label>
      {children}
    </div>
  );
}

/** The sites the operator and pilot filters keep. */
export function sitesInScope(registry: Registry, params: Readonly<Record<string, string>>) {
  return registry.sites.filter((site) => (!params.operator || site.operatorId === params.operator) && (!params.pilot || site.pilotId === params.pilot));
}
