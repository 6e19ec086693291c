import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type CellLoadWindow, topicNames } from '@airan/contracts';
import { FLEET } from '@airan/demo-fleet';
import { windowOfSample } from '@airan/load-model';
import type { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate } from './support/stack';
import { startServices } from './support/start-services';
import { TopicReader } from './support/topic-reader';

/** One JSON line the simulator logs per request it made to ingest. */
interface PostLine {
  readonly msg: 'post';
  readonly operator: string;
  readonly batchTs: string;
  readonly status: number | null;
  readonly rejected: number | null;
}

/**
 * The built site simulator against a real ingest → load pipeline with a short window: what it
 * posts comes out of airan.cell-load.v1 as windows for every cell of the fleet.
 */
describe('site simulator', () => {
  const isolation = isolate();
  const WINDOW_MS = 4000;
  const INTERVAL_MS = 1000;
  const services: ServiceProcess[] = [];
  let ingest: ServiceProcess;
  let cellLoad: TopicReader<CellLoadWindow>;
  let simulator: ChildProcess;
  let simulatorOutput = '';
  let simulatorExit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  const posts = (): PostLine[] =>
    simulatorOutput
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as PostLine | { msg: string })
      .filter((line): line is PostLine => line.msg === 'post');

  beforeAll(async () => {
    // Out-of-order allowance of two intervals: the operators' concurrent requests may reach a partition in either order.
    const env = { ...isolation.env, LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: String(2 * INTERVAL_MS) };
    const started = await startServices({ api: env, ingest: env, load: env });
    services.push(...Object.values(started));
    ({ ingest } = started);
    cellLoad = await TopicReader.open(topicNames(isolation.topicPrefix).cellLoad);
    const keys = await Promise.all(FLEET.map(async (operator) => `${operator.id}=${(await createApiKey(isolation, 'operator', operator.id)).key}`));

    // Keys reach ingest through the registry topic, so the first posts may answer 401: the simulator keeps ticking.
    simulator = spawn(process.execPath, [join(__dirname, '..', 'dist/apps/simulator/src/main.js')], {
      env: { ...process.env, INGEST_URL: ingest.url, SIM_KEYS: keys.join(','), SIM_INTERVAL_MS: String(INTERVAL_MS), SIM_SEED: '7' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    simulator.stdout?.on('data', (chunk: Buffer) => (simulatorOutput += chunk.toString()));
    simulator.stderr?.on('data', (chunk: Buffer) => (simulatorOutput += chunk.toString()));
    simulatorExit = new Promise((resolve) => simulator.once('exit', (code, signal) => resolve({ code, signal })));
  });

  afterAll(async () => {
    if (simulator && simulator.exitCode === null && simulator.signalCode === null) {
      simulator.kill('SIGKILL');
      await simulatorExit;
    }
    await cellLoad?.close();
    await Promise.all(services.map((s) => s.stop()));
  });

  it("yields, for every simulated cell, the window holding its operator's first accepted batch", async () => {
    // Event time, not wall time: the window of an operator's first accepted batch closes once its later batches arrive.
    const firstAccepted = await eventually(async () => {
      const accepted = new Map<string, number>();
      for (const post of posts()) {
        if (post.status === 202 && post.rejected === 0 && !accepted.has(post.operator)) accepted.set(post.operator, Date.parse(post.batchTs));
      }
      if (accepted.size < FLEET.length) throw new Error(`accepted so far: ${[...accepted.keys()].join(', ') || 'none'}\n${simulatorOutput}`);
      return accepted;
    }, 60_000);

    const expected = FLEET.flatMap((operator) => {
      const window = windowOfSample(firstAccepted.get(operator.id)!, WINDOW_MS);
      return operator.sites.flatMap((site) =>
        site.cells.map((cell) => ({
          operatorId: operator.id,
          siteId: site.id,
          cellId: cell.id,
          windowStart: new Date(window.start).toISOString(),
          windowEnd: new Date(window.end).toISOString(),
        })),
      );
    });
    const found = await eventually(async () => {
      const windows = expected.map((e) => cellLoad.messages.find((m) => m.key === e.cellId && m.value.windowStart === e.windowStart)?.value);
      const missing = expected.filter((_, i) => windows[i] === undefined).map((e) => e.cellId);
      if (missing.length > 0) throw new Error(`no window yet for ${missing.join(', ')}`);
      return windows as CellLoadWindow[];
    }, 60_000);

    expect(found).toEqual(expected.map((e) => expect.objectContaining(e)));
    for (const window of found) expect(window.sampleCount).toBeGreaterThanOrEqual(1);
  });

  it('stops on SIGTERM with exit code 0, saying why', async () => {
    simulator.kill('SIGTERM');
    expect(await simulatorExit).toEqual({ code: 0, signal: null });
    expect(simulatorOutput).toContain('"msg":"simulator stopped","reason":"SIGTERM"');
  });
});
