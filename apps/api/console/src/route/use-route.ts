import { useCallback, useEffect, useState } from 'preact/hooks';
import { type Route, formatRoute, parseRoute, withParams } from './route';

/** The current route and a way to change its filters (a new history entry, so Back undoes a filter). */
export function useRoute(): { route: Route; setParams: (changes: Readonly<Record<string, string | undefined>>) => void } {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  const setParams = useCallback((changes: Readonly<Record<string, string | undefined>>) => {
    location.hash = formatRoute(withParams(parseRoute(location.hash), changes));
  }, []);
  return { route, setParams };
}
