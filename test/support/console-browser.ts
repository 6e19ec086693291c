import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { ROOT } from './stack';

/** Debian's Chromium (`.ci/run` installs it): browsers cannot be downloaded here, and a system one is what operators have. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every view: the run's artefacts, and the README's pictures (kept current by the browser tests). */
export const ARTEFACTS = join(ROOT, '.test-results', 'console');
export const README_SHOTS = join(ROOT, 'docs', 'console');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** A page of the console signed in with `key`, recording every console error, failed request and uncaught exception. */
export interface ConsolePage {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly problems: string[];
}

export async function openConsole(browser: Browser, apiUrl: string, key: string, route = '#/fleet', colorScheme: 'light' | 'dark' = 'light'): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme, timezoneId: 'Asia/Seoul', locale: 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) => { if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`); });
  // The key arrives in the fragment, as `npm run up` prints it; the console moves it to sessionStorage at once.
  await page.goto(`${apiUrl}/#key=${encodeURIComponent(key)}`);
  await page.waitForURL((url) => !url.hash.includes('key='));
  // Page functions are passed as source text: the tests compile without the DOM's types.
  if (route !== '#/fleet') await page.evaluate(`location.hash = ${JSON.stringify(route)}`);
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string, forReadme = false): Promise<void> {
  mkdirSync(ARTEFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: false });
  if (forReadme) {
    mkdirSync(README_SHOTS, { recursive: true });
    await page.screenshot({ path: join(README_SHOTS, `${name}.png`), fullPage: false });
  }
}

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: ReadonlyArray<{ target: unknown }>;
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core's serious and critical findings on the page as it stands. It is evaluated through the
 * DevTools protocol, which the page's CSP (no inline script) does not govern, so the console's policy
 * stays as it ships.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const { violations } = await page.evaluate<{ violations: AxeViolation[] }>("axe.run(document, { resultTypes: ['violations'] })");
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}
