import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { Browser } from 'playwright-core';
import type { AlertEvent } from '@airan/contracts';
import type { AlertmanagerWebhook } from '@airan/rule-engine';
import { type ConsolePage, launchChromium, openConsole, screenshot, seriousAccessibilityViolations } from './support/console-browser';
import { FreezableProxy } from './support/freezable-proxy';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, freePort, isolate, postWithNewKey } from './support/stack';
import { startServices } from './support/start-services';

type Window = { cellId: string; windowStart: string; inferenceLoad: number | null };

/**
 * The ops console in Debian's Chromium, driven by playwright-core, against the real ingest, load,
 * alerting and api over the real broker and Postgres, with a real webhook receiver. Telemetry goes in
 * through ingest (backdated whole windows, closed by a heartbeat), so every number the console shows was
 * computed by the services.
 */
describe('the ops console in a real browser', () => {
  const isolation = isolate();
  const WINDOW_MS = 60_000;
  const OUT_OF_ORDER_MS = 5_000;
  const hooks: AlertmanagerWebhook[] = [];
  let receiver: Server;
  let services: Record<'ingest' | 'load' | 'alerting' | 'api', ServiceProcess> | undefined;
  let browser: Browser | undefined;
  let opsKey: string;
  let sktKey: string;
  const pages: ConsolePage[] = [];

  // Windows a few minutes back, on whole minutes: inside the accepted age, and clean boundaries.
  let window = 0;
  const t0 = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 8 * WINDOW_MS;
  const at = (w: number, offsetMs: number) => new Date(t0 + w * WINDOW_MS + offsetMs).toISOString();

  const api = (path: string, init: RequestInit = {}) => fetch(`${services!.api.url}${path}`, { ...init, headers: { authorization: `Bearer ${opsKey}`, ...(init.headers ?? {}) } });
  const apiJson = async <T>(path: string): Promise<T> => {
    const response = await api(path);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const firing = async () => (await apiJson<{ alerts: AlertEvent[] }>('/v1/alerts?status=firing&limit=1000')).alerts;
  const firingOn = (cell: string) => eventually(async () => {
    const alert = (await firing()).find((a) => a.labels.cell === cell && a.labels.alertname === 'InferenceLoadHigh');
    if (!alert) throw new Error(`no InferenceLoadHigh firing on ${cell} yet`);
    return alert;
  }, 60_000);

  /**
   * Posts one whole window of a site's cells (four 15 s samples each, `gpuMs` per sample), GPU samples,
   * and a heartbeat past the window's end, so load closes it. A cell's inference load is 4 × gpuMs over
   * its 15,000 GPU·ms of capacity (a quarter GPU for 60 s).
   */
  async function postWindow(key: string, site: string, gpuMsPerCell: Readonly<Record<string, number>>, extra: unknown[] = []) {
    const w = window++;
    const cells = Object.entries(gpuMsPerCell).flatMap(([cellId, gpuMs]) =>
      [15_000, 30_000, 45_000, 60_000].map((offset) => ({ type: 'cell', siteId: site, cellId, ts: at(w, offset), intervalMs: 15_000, gpuMs, inferenceRequests: 10, inferenceTokens: 1000, prbDlPct: 40, latencyP95Ms: 80 })),
    );
    const gpus = [0, 1].map((device) => ({ type: 'gpu', siteId: site, node: `${site}-gpu01`, device: `gpu${device}`, ts: at(w, 30_000), utilPct: 60 + device * 10, aiShare: 0.4, radioShare: 0.3, powerW: 450, tempC: 65 + device, memUsedMiB: 40_000 }));
    const response = await postWithNewKey(`${services!.ingest.url}/v1/telemetry`, key, { records: [...cells, ...gpus, ...extra, { type: 'heartbeat', siteId: site, ts: at(w + 1, OUT_OF_ORDER_MS) }] });
    return (await response.json()) as { accepted: number; rejected: number };
  }

  beforeAll(async () => {
    receiver = createServer((request: IncomingMessage, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        hooks.push(JSON.parse(raw) as AlertmanagerWebhook);
        response.writeHead(200).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    const env = { ...isolation.env, LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: String(OUT_OF_ORDER_MS), API_SEED_DEMO_FLEET: 'true' };
    const alerting = await ServiceProcess.start('alerting', { ...env, ALERTING_WEBHOOKS: `ops-team=http://127.0.0.1:${port}/hook`, ALERTING_TICK_MS: '200' });
    services = { alerting, ...(await startServices({ ingest: env, load: env, api: { ...env, API_ALERTING_URL: alerting.url, API_STREAM_HEARTBEAT_MS: '1000' } })) };
    [opsKey, sktKey] = (await Promise.all([createApiKey(isolation, 'ops', 'noc-kim'), createApiKey(isolation, 'operator', 'skt')])).map((k) => k.key);
    // The board is about load here: the shipped absence rule would fire for every demo site that is not streaming.
    expect((await api('/v1/rules/site-silent', { method: 'DELETE' })).status).toBe(204);

    const receipt = await postWindow(sktKey, 'skt-seoul-gangnam-01', { 'skt-seoul-gangnam-01-c1': 4_000, 'skt-seoul-gangnam-01-c2': 1_500, 'skt-seoul-gangnam-01-c3': 2_500 }, [
      { type: 'cell', siteId: 'skt-seoul-gangnam-01', cellId: 'skt-seoul-gangnam-01-c1', ts: 'yesterday', intervalMs: 15_000 },
    ]);
    expect(receipt).toMatchObject({ rejected: 1 });
    await firingOn('skt-seoul-gangnam-01-c1');
    browser = await launchChromium();
  }, 180_000);

  // Each open console holds live streams of the ops key, which may hold API_STREAM_MAX_PER_KEY (8) at once:
  // pages left open by earlier tests would use up a later test's (the resume test saw its stream refused).
  afterEach(async () => {
    for (const { context } of pages.splice(0)) await context.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(Object.values(services ?? {}).map((s) => s.stop()));
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const open = async (route: string, colorScheme: 'light' | 'dark' = 'light') => {
    const opened = await openConsole(browser!, services!.api.url, opsKey, route, colorScheme);
    pages.push(opened);
    return opened;
  };

  it('serves the console under a CSP with no inline script, and only the built assets', async () => {
    const page = await fetch(`${services!.api.url}/`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${services!.api.url}${script}`);
    expect([asset.status, asset.headers.get('content-type'), asset.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
    const missing = await fetch(`${services!.api.url}/assets/..%2Fapi.module.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('CONSOLE_ASSET_NOT_FOUND');
  });

  it.each([
    ['fleet', '#/fleet', '.site[data-site="skt-seoul-gangnam-01"].load-hot.alerting'],
    ['load', '#/load?site=skt-seoul-gangnam-01&minutes=30', '.hm[data-cell="skt-seoul-gangnam-01-c1"]'],
    ['gpu', '#/gpu?operator=skt', 'text=skt-seoul-gangnam-01-gpu01'],
    ['alerts', '#/alerts', '[data-fingerprint]'],
    ['silences', '#/silences', 'form[aria-label="New silence"]'],
    ['rules', '#/rules', 'textarea#rules-yaml'],
    ['ingest', '#/ingest?operator=skt', '.dead-letters li'],
  ])('loads the %s view with no console errors and no serious accessibility violations', async (name, route, ready) => {
    const { page, problems } = await open(route);
    await page.locator(ready).first().waitFor({ timeout: 15_000 });
    await screenshot(page, name, true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('has a dark theme that keeps the views readable', async () => {
    const { page, problems } = await open('#/alerts', 'dark');
    await page.locator('[data-fingerprint]').first().waitFor();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await screenshot(page, 'alerts-dark', true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('keeps the key out of every URL the server sees, and the view and filters in the fragment', async () => {
    const { page } = await open('#/alerts?operator=skt');
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.reload();
    await page.locator('[data-fingerprint]').first().waitFor();
    expect(page.url()).toMatch(/#\/alerts\?operator=skt$/);
    expect(await Promise.all((await page.locator('select, input').all()).map((input) => input.inputValue()))).toContain('skt');
    expect(requested.filter((url) => url.includes(opsKey) || /[?&]key=/.test(url))).toEqual([]);
  });

  it('moves between views from the keyboard', async () => {
    const { page } = await open('#/fleet');
    await page.locator('.site').first().waitFor();
    await page.keyboard.press('g');
    await page.keyboard.press('a');
    await page.waitForURL(/#\/alerts$/);
    await page.keyboard.press('g');
    await page.keyboard.press('r');
    await page.waitForURL(/#\/rules$/);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
  });

  it("shows each heatmap cell with exactly the value of the api's window", async () => {
    const site = 'skt-seoul-gangnam-01';
    const { page } = await open(`#/load?site=${site}&minutes=30`);
    await page.locator('.hm[data-cell]').first().waitFor();
    // Evaluated in the page as source text: the tests compile without the DOM's types.
    const shown = await page.evaluate<string[][]>("[...document.querySelectorAll('.hm[data-cell]')].map((c) => [c.dataset.cell, c.dataset.window, c.dataset.value])");
    const from = new Date(Date.now() - 30 * 60_000).toISOString();
    const { items } = await apiJson<{ items: Window[] }>(`/v1/history/cell-load?site=${site}&from=${encodeURIComponent(from)}&limit=1000`);
    expect(items.length).toBeGreaterThan(0);
    const filled = shown.filter(([, , value]) => value !== '');
    expect(new Map(filled.map(([cell, start, value]) => [`${cell}|${start}`, Number(value)]))).toEqual(new Map(items.filter((w) => w.inferenceLoad !== null).map((w) => [`${w.cellId}|${w.windowStart}`, w.inferenceLoad])));
    // c1 carried 4 × 4,000 GPU·ms against 15,000: 1.0667, shown as a percentage in its tooltip.
    expect(await page.locator(`.hm[data-cell="${site}-c1"]`).first().getAttribute('title')).toContain('106.7 %');
  });

  it('shows an alert on the board within 2 s of the api having it, and an acknowledgement made there reaches another open browser', async () => {
    const board = await open('#/alerts');
    const other = await open('#/alerts');
    await board.page.locator('[data-fingerprint]').first().waitFor();
    await other.page.locator('[data-fingerprint]').first().waitFor();

    await postWindow(sktKey, 'skt-pangyo-01', { 'skt-pangyo-01-c2': 4_000 });
    const alert = await firingOn('skt-pangyo-01-c2');
    // The api's read model has it, so it is on the stream: the open board shows it without a reload.
    await board.page.locator(`[data-fingerprint="${alert.fingerprint}"]`).waitFor({ timeout: 2_000 });

    const answered = board.page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith(`/v1/alerts/${alert.fingerprint}/ack`));
    await board.page.locator(`[data-fingerprint="${alert.fingerprint}"] button`, { hasText: 'Ack' }).click();
    // Alerting took it; what follows is its event coming back through the topic and the stream to both pages.
    expect((await answered).status()).toBe(200);
    for (const { page } of [board, other]) await page.locator(`[data-fingerprint="${alert.fingerprint}"] .tag.acked`, { hasText: 'acked by noc-kim' }).waitFor({ timeout: 10_000 });
    const stored = await apiJson<{ alerts: AlertEvent[] }>(`/v1/alerts?cell=skt-pangyo-01-c2`);
    expect(stored.alerts[0].acknowledgement?.by).toBe('noc-kim');

    // The detail shows who did what, and the notification the receiver got.
    await other.page.locator(`[data-fingerprint="${alert.fingerprint}"] button.link`).click();
    const detail = other.page.locator('aside.detail');
    await detail.locator('td', { hasText: 'acknowledged' }).first().waitFor();
    await detail.locator('td', { hasText: 'noc-kim' }).first().waitFor();
    await screenshot(other.page, 'alert-detail', true);
    expect(board.problems.concat(other.problems)).toEqual([]);
  });

  it('says "disconnected, resuming" when its stream goes silent, and resumes from its position without missing what came meanwhile', async () => {
    const lguKey = (await createApiKey(isolation, 'operator', 'lguplus')).key;
    expect((await firing()).filter((a) => a.labels.site === 'lguplus-seoul-sinchon-01')).toEqual([]);
    const proxy = await FreezableProxy.start(services!.api.url);
    try {
      const opened = await openConsole(browser!, proxy.url, opsKey, '#/alerts');
      pages.push(opened);
      const { page, problems } = opened;
      const positionsSent: Array<Promise<string | undefined>> = [];
      page.on('request', (request) => positionsSent.push(request.allHeaders().then((headers) => headers['last-event-id'])));
      const badge = page.locator('.stream-badge');
      await page.locator('.stream-badge.stream-live').waitFor();
      // A heartbeat carries the stream's position, so the console has one to resume from.
      await eventually(async () => { if (!proxy.hasDelivered(': heartbeat\nid: ')) throw new Error('no heartbeat through the proxy yet'); }, 10_000);

      // Nothing is closed: only the console's watchdog (three silent heartbeat intervals) can tell.
      proxy.freeze();
      await page.locator('.stream-badge.stream-resuming').waitFor({ timeout: 15_000 });
      expect(await badge.textContent()).toContain('disconnected, resuming');
      await postWindow(lguKey, 'lguplus-seoul-sinchon-01', { 'lguplus-seoul-sinchon-01-c1': 4_000 });
      const alert = await firingOn('lguplus-seoul-sinchon-01-c1');
      expect(await page.locator(`[data-fingerprint="${alert.fingerprint}"]`).count()).toBe(0);

      proxy.thaw();
      await page.locator('.stream-badge.stream-live').waitFor({ timeout: 15_000 });
      await page.locator(`[data-fingerprint="${alert.fingerprint}"]`).waitFor({ timeout: 5_000 });
      // It resumed from its position (Last-Event-ID), not afresh.
      expect((await Promise.all(positionsSent)).filter(Boolean).length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('mutes the next notification at the webhook receiver with a silence created in the console', async () => {
    const { page, problems } = await open('#/silences');
    const form = page.locator('form[aria-label="New silence"]');
    await form.locator('textarea').fill('alertname="InferenceLoadHigh"\nsite="kt-seoul-gwanghwamun-01"');
    await form.locator('input[required]').fill('planned inference load test at Gwanghwamun');
    await form.locator('button[type="submit"]').click();
    await page.locator('tr[data-silence]', { hasText: 'planned inference load test' }).waitFor();

    const ktKey = (await createApiKey(isolation, 'operator', 'kt')).key;
    // Two sites cross the threshold in the same window; only the silenced one must stay quiet.
    await postWindow(ktKey, 'kt-seoul-gwanghwamun-01', { 'kt-seoul-gwanghwamun-01-c1': 4_000 });
    await postWindow(sktKey, 'skt-seoul-gangnam-01', { 'skt-seoul-gangnam-01-c3': 4_000 });
    const [muted, heard] = await Promise.all([firingOn('kt-seoul-gwanghwamun-01-c1'), firingOn('skt-seoul-gangnam-01-c3')]);
    await eventually(async () => { if (!hooks.some((h) => h.alerts[0].fingerprint === heard.fingerprint)) throw new Error('control alert not delivered yet'); }, 30_000);
    expect(muted.silencedBy.length).toBe(1);
    expect(hooks.filter((h) => h.alerts.some((a) => a.fingerprint === muted.fingerprint))).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('previews the alerts a silence would match before it is created', async () => {
    const { page } = await open('#/silences');
    const form = page.locator('form[aria-label="New silence"]');
    await form.locator('textarea').fill('cell="skt-seoul-gangnam-01-c1"');
    await form.locator('.preview li', { hasText: 'skt-seoul-gangnam-01-c1' }).waitFor();
    await form.locator('textarea').fill('cell~"nope"');
    await form.locator('.field-errors li', { hasText: 'matchers[0]' }).waitFor();
    expect(await form.locator('button[type="submit"]').isDisabled()).toBe(true);
  });

  it('shows a rule error at its field path and line, and saves nothing', async () => {
    const { page, problems } = await open('#/rules');
    const editor = page.locator('textarea#rules-yaml');
    await editor.waitFor();
    const original = await editor.inputValue();
    const broken = original.replace('threshold: 0.9', 'threshold: high');
    expect(broken).not.toBe(original);
    await editor.fill(broken);
    await page.locator('button', { hasText: 'Save rules' }).click();
    const error = page.locator('#rule-errors li[data-path$=".threshold"]').first();
    await error.waitFor();
    const line = broken.split('\n').findIndex((text) => text.includes('threshold: high')) + 1;
    expect(await error.textContent()).toContain(`line ${line}`);
    expect(await error.getAttribute('data-path')).toMatch(/^\$\.rules\[\d+\]\.all\[0\]\.threshold$/);
    await screenshot(page, 'rules-error', true);
    const stored = await (await api('/v1/rules.yaml', { headers: { accept: 'application/yaml' } })).text();
    expect(stored).not.toContain('threshold: high');
    // A 422 is the expected answer here, logged by the browser as a failed resource load: nothing else.
    expect(problems.filter((p) => !p.includes('422'))).toEqual([]);
  });
});
