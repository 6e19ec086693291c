import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, freePort } from '../support/stack';
import { AlertExpectations, BenchHttpServer, settleWithin, wallNow } from './alert-receiver';
import { type AlertBenchOptions, type AlertPhaseResult, type AlertProgress, figures, pause, unavailable } from './alert-common';

/** Debian's packages (`apt-get install prometheus prometheus-alertmanager`; deploy/local/bench.sh installs them). */
const binary = (name: string) => (existsSync(`/usr/bin/${name}`) ? `/usr/bin/${name}` : name);
const METRIC = 'airan_bench_inference_load';

/** A real Prometheus or Alertmanager process, its output kept for error messages. */
class Peer {
  private output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', (error) => {
        this.output += `\n${error.message}`;
        resolve(null);
      });
    });
  }

  static spawn(name: string, args: string[]): Peer {
    const peer = new Peer(name, spawn(binary(name), args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    PEERS.add(peer);
    return peer;
  }

  get logs(): string {
    return this.output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** SIGTERM, then SIGKILL if it has not gone within 10 s (both write their state on the way out). */
  async stop(): Promise<void> {
    PEERS.delete(this);
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

/** Peers still running if the bench dies without reaching its `finally` (process.exit elsewhere). */
const PEERS = new Set<Peer>();
const TEMP_DIRS = new Set<string>();
process.once('exit', () => {
  for (const peer of PEERS) peer.killNow();
  for (const dir of TEMP_DIRS) rmSync(dir, { recursive: true, force: true });
});

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/**
 * Prometheus scraping a gauge per series that the bench serves itself, a rule `> 0.9` with `for: 0s`,
 * Alertmanager with `group_wait: 0s`, `group_interval: 1s`, each alert in its own group (`group_by:
 * ['...']`, as airan notifies per alert), webhook to the bench. Each crossing flips one series from
 * 0.5 to 1.5 at a wall time T; latency = webhook received − T (also shown: − the start of the first
 * scrape that saw the new value).
 */
export async function benchPrometheus(options: AlertBenchOptions, progress: AlertProgress): Promise<AlertPhaseResult> {
  const label = 'Prometheus+Alertmanager';
  const n = options.crossings;
  const cells = ['warm', ...Array.from({ length: n }, (_, i) => `c${i}`)].map((c) => `bench-${c}`);
  const values = new Map(cells.map((c) => [c, 0.5]));
  const flippedAt = new Map<string, number>();
  const firstScrape = new Map<string, number>();
  const metrics = (_: unknown, response: import('node:http').ServerResponse) => {
    const at = wallNow();
    for (const [cell, t] of flippedAt) if (!firstScrape.has(cell) && t <= at) firstScrape.set(cell, at);
    const lines = cells.map((c) => `${METRIC}{cell="${c}"} ${values.get(c)}`);
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`# HELP ${METRIC} Inference load the bench makes cross 0.9.\n# TYPE ${METRIC} gauge\n${lines.join('\n')}\n`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'airan-bench-prom-'));
  TEMP_DIRS.add(dir);
  const peers: Peer[] = [];
  let server: BenchHttpServer | undefined;
  try {
    server = await BenchHttpServer.start({ '/metrics': metrics });
    const [promPort, amPort] = [await freePort(), await freePort()];
    const promUrl = `http://127.0.0.1:${promPort}`;
    const amUrl = `http://127.0.0.1:${amPort}`;
    const target = server.url.replace('http://', '');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${join(dir, 'rules.yml')}`,
        'alerting:',
        '  alertmanagers:',
        '    - static_configs:',
        `        - targets: ['127.0.0.1:${amPort}']`,
        'scrape_configs:',
        '  - job_name: airan-bench',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'rules.yml'),
      ['groups:', '  - name: airan-bench', '    rules:', '      - alert: InferenceLoadHigh', `        expr: ${METRIC} > 0.9`, '        for: 0s', '        labels:', '          severity: warning', ''].join('\n'),
    );
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: bench',
        "  group_by: ['...']",
        '  group_wait: 0s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: bench',
        '    webhook_configs:',
        `      - url: ${server.url}/am`,
        '        send_resolved: false',
        '',
      ].join('\n'),
    );
    mkdirSync(join(dir, 'am'));
    mkdirSync(join(dir, 'prom'));
    progress(label, 0, 'starting');
    const am = Peer.spawn('prometheus-alertmanager', [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=']);
    peers.push(am);
    const prom = Peer.spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'prom')}`, `--web.listen-address=127.0.0.1:${promPort}`]);
    peers.push(prom);
    const ready = async () => {
      for (const peer of peers) if (!peer.running) throw new Error(`${peer.name} exited:\n${peer.logs}`);
      if ((await fetch(`${amUrl}/-/ready`)).status !== 200) throw new Error('alertmanager not ready');
      if ((await fetch(`${promUrl}/-/ready`)).status !== 200) throw new Error('prometheus not ready');
      const targets = await getJson<{ data: { activeTargets: Array<{ health: string }> } }>(`${promUrl}/api/v1/targets`);
      if (!targets.data.activeTargets.some((t) => t.health === 'up')) throw new Error('prometheus has not scraped the bench yet');
      const ams = await getJson<{ data: { activeAlertmanagers: unknown[] } }>(`${promUrl}/api/v1/alertmanagers`);
      if (ams.data.activeAlertmanagers.length === 0) throw new Error('prometheus has no alertmanager yet');
      const rules = await getJson<{ data: { groups: Array<{ rules: Array<{ health: string }> }> } }>(`${promUrl}/api/v1/rules`);
      if (!rules.data.groups.some((g) => g.rules.some((r) => r.health === 'ok'))) throw new Error('rule not evaluated yet');
    };
    try {
      await eventually(ready, 60_000, 250);
    } catch (error) {
      if (peers.some((p) => p.running === false && /ENOENT/.test(p.logs))) {
        return unavailable(label, 'prometheus', n, 'not available: prometheus / prometheus-alertmanager not installed (apt-get install -y prometheus prometheus-alertmanager)');
      }
      throw error;
    }

    const expectations = new AlertExpectations(server);
    const state = { sent: 0, received: 0 };
    const ticker = setInterval(() => progress(label, (state.sent + state.received) / (2 * n), `${state.received}/${n} alerts`), 250);
    const cross = (cell: string) => {
      const alert = expectations.expect('/am', (a) => a.labels.alertname === 'InferenceLoadHigh' && a.labels.cell === cell);
      const at = wallNow();
      flippedAt.set(cell, at);
      values.set(cell, 1.5);
      return { cell, at, alert: alert.then((t) => (state.received++, t)) };
    };
    try {
      progress(label, 0, 'warm-up crossing');
      const [warmAt] = await settleWithin([cross(cells[0]).alert], 60_000);
      state.received = 0;
      if (warmAt === undefined) throw new Error(`Alertmanager sent no webhook for the warm-up crossing within 60 s:\n${am.logs}\n${prom.logs}`);
      const sent: Array<ReturnType<typeof cross>> = [];
      for (let i = 1; i <= n; i++) {
        sent.push(cross(cells[i]));
        state.sent++;
        if (i < n) await pause(options);
      }
      const received = await settleWithin(sent.map((s) => s.alert), options.timeoutMs);
      progress(label, 1, `${state.received}/${n} alerts`);
      const latency = (from: (s: (typeof sent)[number]) => number | undefined) =>
        sent.map((s, i) => {
          const origin = from(s);
          return received[i] === undefined || origin === undefined ? null : received[i]! - origin;
        });
      const primary = latency((s) => s.at);
      const missing = received.filter((r) => r === undefined).length;
      return {
        phase: label,
        kind: 'prometheus',
        available: true,
        crossings: n,
        latenciesMs: primary,
      unclaimedAlerts: expectations.unclaimed,
        ...figures('wall time the bench\'s gauge flipped above 0.9', primary),
        also: [figures('start of the first scrape that saw the flipped value', latency((s) => firstScrape.get(s.cell)))],
        ...(missing > 0 ? { note: `${missing} of ${n} crossings got no alert within ${options.timeoutMs} ms` } : {}),
      };
    } finally {
      clearInterval(ticker);
      expectations.close();
    }
  } finally {
    // Both write their state on the way out: remove the directory only once they have exited.
    await Promise.all(peers.map((p) => p.stop()));
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    TEMP_DIRS.delete(dir);
  }
}
