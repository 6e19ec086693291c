/**
 * The operator's API key. It arrives once (the `#key=` fragment `npm run up` prints, or the sign-in form)
 * and lives in this tab's sessionStorage: it is sent only in the Authorization header, never in a URL
 * the server sees (a fragment is not sent, and the fragment is cleared as soon as it is read).
 */
const STORAGE_KEY = 'airan-key';

export function takeKeyFromFragment(location: Location, history: History): void {
  const params = new URLSearchParams(location.hash.replace(/^#\/?/, ''));
  const key = params.get('key');
  if (!key) return;
  sessionStorage.setItem(STORAGE_KEY, key);
  history.replaceState(null, '', `${location.pathname}${location.search}#/fleet`);
}

export const currentKey = (): string | null => sessionStorage.getItem(STORAGE_KEY);
export const storeKey = (key: string): void => sessionStorage.setItem(STORAGE_KEY, key.trim());
export const forgetKey = (): void => sessionStorage.removeItem(STORAGE_KEY);
