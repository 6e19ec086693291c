import { useEffect, useState } from 'preact/hooks';
import { AlertsView } from './alerts/alerts.view';
import { FleetView } from './fleet/fleet.view';
import { GpuView } from './gpu/gpu.view';
import { IngestView } from './ingest/ingest.view';
import { LoadView } from './load/load.view';
import { type View, VIEWS, VIEW_TITLES, formatRoute } from './route/route';
import { useRoute } from './route/use-route';
import { RulesView } from './rules/rules.view';
import { currentKey, forgetKey, storeKey } from './session/api-key';
import { SilencesView } from './silences/silences.view';
import { toggleTheme } from './ui/theme';

const VIEW_COMPONENTS: Readonly<Record<View, (props: { params: Readonly<Record<string, string>>; setParams: (changes: Readonly<Record<string, string | undefined>>) => void }) => preact.JSX.Element>> = {
  fleet: FleetView,
  load: LoadView,
  gpu: GpuView,
  alerts: AlertsView,
  silences: SilencesView,
  rules: RulesView,
  ingest: IngestView,
};

/** `g` then a view's key jumps to it, as in mail clients; `?` lists the keys. */
const SHORTCUTS: Readonly<Record<string, View>> = { f: 'fleet', l: 'load', n: 'gpu', a: 'alerts', s: 'silences', r: 'rules', i: 'ingest' };

function useViewShortcuts(): void {
  useEffect(() => {
    let leader = false;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable]') || event.ctrlKey || event.metaKey || event.altKey) return;
      if (leader && SHORTCUTS[event.key]) {
        location.hash = formatRoute({ view: SHORTCUTS[event.key], params: {} });
        leader = false;
        return;
      }
      leader = event.key === 'g';
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}

function SignIn({ onKey }: { onKey: () => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="sign-in"
      onSubmit={(event) => {
        event.preventDefault();
        if (!value.trim()) return;
        storeKey(value);
        onKey();
      }}
    >
      <h2>Sign in</h2>
      <p>Enter an ops API key. It stays in this browser tab and is sent only in request headers.</p>
      <label>
        API key <input type="password" autoComplete="off" value={value} onInput={(event) => setValue(event.currentTarget.value)} />
      </label>
      <button type="submit">Use key</button>
    </form>
  );
}

export function App() {
  const { route, setParams } = useRoute();
  const [hasKey, setHasKey] = useState(() => currentKey() !== null);
  useViewShortcuts();
  const Current = VIEW_COMPONENTS[route.view];
  return (
    <>
      <a class="skip" href="#main" onClick={(event) => { event.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <h1>airan · ops</h1>
        <nav aria-label="Views">
          {VIEWS.map((view) => (
            <a key={view} href={formatRoute({ view, params: {} })} aria-current={view === route.view ? 'page' : undefined}>
              {VIEW_TITLES[view]}
            </a>
          ))}
        </nav>
        <div class="top-actions">
          <button type="button" onClick={() => toggleTheme()} aria-label="Switch between light and dark theme">
            Theme
          </button>
          {hasKey && (
            <button type="button" onClick={() => { forgetKey(); setHasKey(false); }}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <h2 class="view-title">{VIEW_TITLES[route.view]}</h2>
        {hasKey ? <Current key={route.view} params={route.params} setParams={setParams} /> : <SignIn onKey={() => setHasKey(true)} />}
      </main>
    </>
  );
}
