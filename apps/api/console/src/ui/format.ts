/**
 * Numbers and times as the console shows them: every number with its unit, times in the viewer's own
 * zone (the UTC instant in the tooltip). Pure, so the units are tested once here.
 */
export type Unit = 'ratio%' | '%' | 'ms' | 'W' | '°C' | 'MiB' | 'GPU·ms' | '/min' | 'count' | 'Mbps' | 'UEs' | 'tok/s';

/**
 * Formatters are built once and reused: toLocaleString with options builds one per call, which cost
 * more than the rest of a heatmap's render (docs/console.md "Scale").
 */
function memo<K, V>(make: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) made.set(key, (value = make(key)));
    return value;
  };
}

const numberFormat = memo((digits: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const number = (value: number, digits: number) => numberFormat(digits).format(value);
const instantFormat = memo((timeZone: string | undefined) => new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' }));
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** Hours and minutes in the viewer's zone: the heatmap's column heads and tooltips. */
export const formatClock = (iso: string): string => clockFormat.format(new Date(iso));

/** `ratio%` takes a 0..1 ratio (inference load, headroom) and shows it as a percentage. */
export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'ratio%':
      return `${number(value * 100, 1)} %`;
    case '%':
      return `${number(value, 1)} %`;
    case 'ms':
      return `${number(value, value < 10 ? 2 : 0)} ms`;
    case 'W':
      return `${number(value, 0)} W`;
    case '°C':
      return `${number(value, 0)} °C`;
    case 'MiB':
      return `${number(value, 0)} MiB`;
    case 'GPU·ms':
      return `${number(value, 0)} GPU·ms`;
    case '/min':
      return `${number(value, value < 10 ? 1 : 0)} /min`;
    case 'Mbps':
      return `${number(value, 1)} Mbps`;
    case 'UEs':
      return `${number(value, 0)} UEs`;
    case 'tok/s':
      return `${number(value, 0)} tok/s`;
    case 'count':
      return number(value, 0);
  }
}

/** Local date and time (the viewer's zone, with its name) and the UTC instant for the tooltip. */
export function formatInstant(iso: string, timeZone?: string): { local: string; utc: string } {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return { local: iso, utc: iso };
  const local = instantFormat(timeZone).format(date);
  return { local, utc: `${date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')} UTC` };
}

/** "3 min ago" style age, for last-seen columns. */
export function formatAge(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}
