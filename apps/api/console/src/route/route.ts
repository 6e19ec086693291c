/**
 * Where the console is: the view and its filters, kept in the URL's fragment (`#/alerts?operator=kt`) so
 * a link can be shared and the back button works; the server never sees a fragment.
 */
export const VIEWS = ['fleet', 'load', 'gpu', 'alerts', 'silences', 'rules', 'ingest'] as const;
export type View = (typeof VIEWS)[number];

export const VIEW_TITLES: Readonly<Record<View, string>> = {
  fleet: 'Fleet',
  load: 'Load',
  gpu: 'GPU nodes',
  alerts: 'Alerts',
  silences: 'Silences',
  rules: 'Rules',
  ingest: 'Ingest health',
};

export interface Route {
  readonly view: View;
  readonly params: Readonly<Record<string, string>>;
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const view = (VIEWS as readonly string[]).includes(path) ? (path as View) : 'fleet';
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) if (value !== '') params[name] = value;
  return { view, params };
}

export function formatRoute(route: Route): string {
  const params = new URLSearchParams(Object.entries(route.params).filter(([, value]) => value !== undefined && value !== '').sort(([a], [b]) => a.localeCompare(b)));
  const query = params.toString();
  return `#/${route.view}${query ? `?${query}` : ''}`;
}

/** The same view with some filters changed; an empty value removes one. */
export function withParams(route: Route, changes: Readonly<Record<string, string | undefined>>): Route {
  const params: Record<string, string> = { ...route.params };
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === '') delete params[name];
    else params[name] = value;
  }
  return { view: route.view, params };
}
