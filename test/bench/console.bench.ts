import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { AlertEvent } from '@airan/contracts';
import type { CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../support/console-browser';
import { deleteTopics } from '../support/kafka-test-tools';
import { startServices } from '../support/start-services';
import { createApiKey, dropDatabase, eventually, isolate } from '../support/stack';
import { alertEvent, cellLoadEvent } from '../support/stream-events';
import { TopicWriter } from '../support/topic-writer';

export interface ConsoleBenchOptions {
  readonly cells: number;
  readonly alerts: number;
  readonly changes: number;
  /** A directory: each burst's CPU profile of the page is written there (`<burst>.cpuprofile`). */
  readonly profileDir?: string;
}

/** Frame-to-frame times (requestAnimationFrame) and long tasks (over 50 ms) while a burst is applied. */
export interface FrameStats {
  readonly frames: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly longTasks: number;
  readonly longestTaskMs: number;
}

export interface ConsoleBenchResult {
  readonly options: ConsoleBenchOptions;
  /** From navigation to the board counting every alert (the snapshot read page by page, grouped, rendered). */
  readonly boardFirstRenderMs: number;
  /** From sending the burst of changes to Kafka to the board showing the last of them. */
  readonly boardBurstMs: number;
  readonly boardFrames: FrameStats;
  /** From navigation to the heatmap showing every cell. */
  readonly heatmapFirstRenderMs: number;
  /** From sending a new window for every cell to Kafka to the heatmap showing that window's column. */
  readonly heatmapTickMs: number;
  readonly heatmapFrames: FrameStats;
  /** The page's JS heap after both views had rendered everything. */
  readonly jsHeapMb: number;
}

const SITES_PER_OPERATOR_CELLS = 10;
const OPERATORS = ['skt', 'kt', 'lguplus'];
const WINDOWS = 15;
const MINUTE_MS = 60_000;

/**
 * The ops console at scale in Debian's Chromium (docs/console.md "Scale"): `cells` cells with 15 closed
 * windows each in load's tables, `alerts` firing alerts in the api's read model (written to the alert
 * topic, as alerting would), then bursts through the real streams: `changes` alerts resolving at once,
 * and a new window for every cell. Times are wall-clock from the bench's side; frame times come from the
 * page's own requestAnimationFrame loop.
 */
export async function benchConsole(options: ConsoleBenchOptions, progress: (step: string, done: number) => void): Promise<ConsoleBenchResult> {
  const isolation = isolate();
  const env = { ...isolation.env, LOG_LEVEL: 'error', RATE_LIMIT_MAX: '100000000' };
  const services = await startServices({ api: env, load: env });
  await services.load.stop(); // its tables exist; the windows come from the seed
  const writer = await TopicWriter.open(isolation);
  const browser = await launchChromium();
  const db = new Client({ connectionString: isolation.databaseUrl });
  try {
    await db.connect();
    const cells = cellIds(options.cells);
    progress('seed windows', 0);
    await seedWindows(db, cells);
    progress('seed alerts', 0.1);
    const alerts = cells.flatMap((cell, i) => (i * 2 < options.alerts ? [firing(cell, 'InferenceLoadHigh'), firing(cell, 'PrbDownlinkSaturated')] : [])).slice(0, options.alerts);
    for (let i = 0; i < alerts.length; i += 1000) await writer.send('alerts', alerts.slice(i, i + 1000), (a) => (a as AlertEvent).fingerprint);
    await eventually(async () => {
      const { rows } = await db.query<{ count: string }>('SELECT count(*) FROM api.alerts');
      if (Number(rows[0].count) < alerts.length) throw new Error(`api has ${rows[0].count} of ${alerts.length} alerts`);
    }, 300_000, 500);

    const { key } = await createApiKey(isolation, 'ops', 'bench');
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(`sessionStorage.setItem('airan-key', ${JSON.stringify(key)})`);
    const page = await context.newPage();

    progress('board first render', 0.3);
    let started = Date.now();
    await page.goto(`${services.api.url}/#/alerts`);
    await waitForText(page, '.alerts .filters', `${alerts.length} alerts`);
    const boardFirstRenderMs = Date.now() - started;

    progress('board burst', 0.45);
    await startFrameRecorder(page, options.profileDir);
    const resolving = alerts.slice(0, options.changes).map((a) => resolved(a));
    started = Date.now();
    await writer.send('alerts', resolving, (a) => (a as AlertEvent).fingerprint);
    await waitForText(page, '.alerts .filters', `${alerts.length - resolving.length} alerts`);
    const boardBurstMs = Date.now() - started;
    const boardFrames = await stopFrameRecorder(page, options.profileDir, 'console-board-burst');

    progress('heatmap first render', 0.6);
    started = Date.now();
    await page.goto(`${services.api.url}/#/load?minutes=30`);
    await waitForText(page, '.hm-head', `Cell (${cells.length})`);
    const heatmapFirstRenderMs = Date.now() - started;

    progress('heatmap tick', 0.8);
    await startFrameRecorder(page, options.profileDir);
    const tick = cells.map((cell) => cellLoadEvent({ operatorId: cell.operator, siteId: cell.site, cellId: cell.id }));
    started = Date.now();
    for (let i = 0; i < tick.length; i += 1000) await writer.send('cellLoad', tick.slice(i, i + 1000), (w) => (w as { cellId: string }).cellId);
    await page.locator(`.hm-head [title="${tick[0].windowStart} UTC"]`).waitFor({ timeout: 120_000 });
    const heatmapTickMs = Date.now() - started;
    const heatmapFrames = await stopFrameRecorder(page, options.profileDir, 'console-heatmap-tick');
    const jsHeapMb = (await page.evaluate<number>('performance.memory.usedJSHeapSize')) / 1e6;
    progress('done', 1);
    return { options, boardFirstRenderMs, boardBurstMs, boardFrames, heatmapFirstRenderMs, heatmapTickMs, heatmapFrames, jsHeapMb };
  } finally {
    await browser.close();
    await writer.close();
    await db.end();
    await services.api.stop();
    await dropDatabase(isolation);
    await deleteTopics(isolation);
  }
}

export function consoleTable(r: ConsoleBenchResult): string {
  const frames = (f: FrameStats) => `${f.frames} | ${f.p50Ms.toFixed(1)} | ${f.p95Ms.toFixed(1)} | ${f.maxMs.toFixed(0)} | ${f.longTasks} (longest ${f.longestTaskMs.toFixed(0)} ms)`;
  return [
    `Ops console in Chromium: ${r.options.cells.toLocaleString('en')} cells × ${WINDOWS} windows, ${r.options.alerts.toLocaleString('en')} firing alerts; page JS heap ${r.jsHeapMb.toFixed(0)} MB at the end`,
    '',
    '| view | first render ms | burst | burst → shown ms | frames | frame p50 ms | frame p95 ms | frame max ms | long tasks |',
    '|---|---|---|---|---|---|---|---|---|',
    `| alert board | ${r.boardFirstRenderMs} | ${r.options.changes.toLocaleString('en')} alerts resolve | ${r.boardBurstMs} | ${frames(r.boardFrames)} |`,
    `| load heatmap | ${r.heatmapFirstRenderMs} | a window for each of ${r.options.cells.toLocaleString('en')} cells | ${r.heatmapTickMs} | ${frames(r.heatmapFrames)} |`,
  ].join('\n');
}

interface BenchCell {
  readonly id: string;
  readonly site: string;
  readonly operator: string;
}

function cellIds(count: number): BenchCell[] {
  return Array.from({ length: count }, (_, i) => {
    const operator = OPERATORS[i % OPERATORS.length];
    const site = `${operator}-bench-s${String(Math.floor(i / OPERATORS.length / SITES_PER_OPERATOR_CELLS)).padStart(4, '0')}`;
    return { id: `${site}-c${Math.floor(i / OPERATORS.length) % SITES_PER_OPERATOR_CELLS}`, site, operator };
  });
}

/** 15 closed one-minute windows per cell, ending at the current minute (the next window is the tick's). */
async function seedWindows(db: Client, cells: readonly BenchCell[]): Promise<void> {
  const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  await db.query(
    `INSERT INTO load.cell_windows (cell_id, window_start, window_end, revision, operator_id, site_id, pilot_id, sample_count, coverage,
       ai_gpu_ms, capacity_gpu_ms, radio_gpu_ms, inference_load, radio_load, headroom, requests, tokens, tokens_per_sec, latency_p95_ms,
       prb_dl_pct, prb_ul_pct, thp_dl_mbps, thp_ul_mbps, rrc_connected_ues, event_id)
     SELECT c.cell_id, w.start, w.start + interval '1 minute', 0, c.operator_id, c.site_id, NULL, 4, 1,
       c.n % 15000, 15000, 3750, (c.n % 15000) / 15000.0, 0.25, 0.75 - (c.n % 15000) / 15000.0 * 0.75, 10, 1000, 16.7, 60,
       40, 20, 300, 20, 120, gen_random_uuid()
     FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS c(cell_id, site_id, operator_id, n),
          generate_series($4::timestamptz - interval '${WINDOWS} minutes', $4::timestamptz - interval '1 minute', interval '1 minute') AS w(start)`,
    [cells.map((c) => c.id), cells.map((c) => c.site), cells.map((c) => c.operator), new Date(now).toISOString()],
  );
}

function firing(cell: BenchCell, alertname: string): AlertEvent {
  const event = alertEvent({ operator: cell.operator, site: cell.site, cell: cell.id, severity: 'warning' });
  return { ...event, labels: { ...event.labels, alertname }, annotations: { summary: `${alertname} on ${cell.id}` } };
}

function resolved(alert: AlertEvent): AlertEvent {
  const at = new Date(Date.parse(alert.evaluatedAt) + 1000).toISOString();
  return { ...alert, id: randomUUID(), status: 'resolved', change: 'state', endsAt: at, evaluatedAt: at };
}

async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector, { hasText: text }).first().waitFor({ timeout: 300_000 });
}

/** Page functions are source text here: the bench compiles without the DOM's types. */
async function startFrameRecorder(page: Page, profileDir: string | undefined): Promise<void> {
  if (profileDir) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
    profiling.set(page, cdp);
  }
  await page.evaluate(`(() => {
    const state = (window.__frames = { deltas: [], longTasks: [], stopped: false });
    let last = performance.now();
    const loop = (now) => { state.deltas.push(now - last); last = now; if (!state.stopped) requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
    state.observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => state.longTasks.push(entry.duration)));
    state.observer.observe({ type: 'longtask' });
  })()`);
}

const profiling = new Map<Page, CDPSession>();

async function stopFrameRecorder(page: Page, profileDir: string | undefined, name: string): Promise<FrameStats> {
  const cdp = profiling.get(page);
  if (cdp && profileDir) {
    const { profile } = await cdp.send('Profiler.stop');
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
    profiling.delete(page);
    await cdp.detach();
  }
  const { deltas, longTasks } = await page.evaluate<{ deltas: number[]; longTasks: number[] }>(`(() => {
    const state = window.__frames;
    state.stopped = true;
    state.observer.disconnect();
    return { deltas: state.deltas.slice(1), longTasks: state.longTasks };
  })()`);
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { frames: deltas.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: sorted.at(-1) ?? NaN, longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks) };
}
