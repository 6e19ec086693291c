/** Light and dark themes: the system's choice until the viewer picks one, then theirs (kept in localStorage). */
export type Theme = 'light' | 'dark';
const STORAGE_KEY = 'airan-theme';

export function currentTheme(): Theme {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyStoredTheme(): void {
  document.documentElement.dataset.theme = currentTheme();
}

export function toggleTheme(): Theme {
  const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.dataset.theme = next;
  return next;
}
