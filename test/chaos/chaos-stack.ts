import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppName, type ProcessEnd, ServiceProcess } from '../support/service-process';
import { type Isolation, freePort } from '../support/stack';
import type { Killable } from '../support/chaos-schedule';

/** Load's windows: short, so that many close (and alerting's window rules see many) in a short run. */
export const WINDOW_MS = 10_000;
/** Generous: a retried request may arrive well after its window closed, and must still revise it. */
const ALLOWED_LATENESS_MS = 60_000;

/** An exit nobody asked for (a service giving up when Kafka or Postgres went away, say). */
export interface SelfExit {
  readonly app: AppName;
  readonly at: number;
  readonly end: ProcessEnd;
  readonly logTail: string;
}

interface Supervised {
  readonly app: AppName;
  readonly env: Record<string, string>;
  process: ServiceProcess;
  generation: number;
  killing: boolean;
}

/**
 * The five services as a deployment runs them, under a supervisor: each keeps its port for life, and any
 * exit (a kill of the campaign's, or one of its own) is followed by a restart, as a container
 * orchestrator's restart policy does. Exits the campaign did not cause are recorded (`selfExits`), and
 * each process's output is kept in `logDir` once it ends.
 */
export class ChaosStack {
  readonly selfExits: SelfExit[] = [];
  private stopping = false;
  private readonly supervisors: Promise<void>[] = [];

  private constructor(
    private readonly services: Map<AppName, Supervised>,
    private readonly logDir: string,
  ) {}

  static async start(isolation: Isolation, webhookUrl: string, logDir: string): Promise<ChaosStack> {
    mkdirSync(logDir, { recursive: true });
    const port = async () => String(await freePort());
    // The campaign's own traffic and registry writes are no abuse to limit.
    const base = { ...isolation.env, LOG_LEVEL: 'warn', RATE_LIMIT_MAX: '100000000' };
    const alertingPort = await port();
    const envs: Record<AppName, Record<string, string>> = {
      alerting: { ...base, PORT: alertingPort, ALERTING_WEBHOOKS: `ops=${webhookUrl}`, ALERTING_EXTERNAL_URL: 'http://airan.example:3000', ALERTING_NOTIFY_MAX_BACKOFF_MS: '1000' },
      api: { ...base, PORT: await port(), API_ALERTING_URL: `http://127.0.0.1:${alertingPort}` },
      ingest: { ...base, PORT: await port(), INGEST_MAX_RECORDS: '5000' },
      load: { ...base, PORT: await port(), LOAD_WINDOW_MS: String(WINDOW_MS), LOAD_OUT_OF_ORDER_MS: '2000', LOAD_ALLOWED_LATENESS_MS: String(ALLOWED_LATENESS_MS) },
      share: { ...base, PORT: await port() },
    };
    const services = new Map<AppName, Supervised>();
    const stack = new ChaosStack(services, logDir);
    // alerting and the api first (the api seeds the registry the others read), as the pipeline bench does.
    for (const group of [['alerting'], ['api'], ['ingest', 'load', 'share']] as AppName[][]) {
      await Promise.all(group.map(async (app) => {
        const child = ServiceProcess.spawn(app, envs[app]);
        services.set(app, { app, env: envs[app], process: child, generation: 0, killing: false });
        await child.waitReady();
      }));
    }
    for (const s of services.values()) stack.supervisors.push(stack.supervise(s));
    return stack;
  }

  url(app: AppName): string {
    return this.services.get(app)!.process.url;
  }

  /** kill -9 of the service's current process; the supervisor restarts it. */
  async kill(app: Killable): Promise<void> {
    const s = this.services.get(app)!;
    s.killing = true;
    await s.process.kill();
  }

  /** The service's current process answers /health/ready with 200. */
  async ready(app: AppName): Promise<boolean> {
    const { process: child } = this.services.get(app)!;
    if (!child.running) return false;
    const response = await fetch(`${child.url}/health/ready`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    return response?.status === 200;
  }

  async allReady(): Promise<boolean> {
    return (await Promise.all([...this.services.keys()].map((app) => this.ready(app)))).every(Boolean);
  }

  /** How many processes each service has had (1 + its restarts). */
  generations(): Record<string, number> {
    return Object.fromEntries([...this.services.values()].map((s) => [s.app, s.generation + 1]));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.services.values()].map((s) => s.process.stop()));
    await Promise.all(this.supervisors);
  }

  private async supervise(s: Supervised): Promise<void> {
    for (;;) {
      const end = await s.process.endsByItself();
      writeFileSync(join(this.logDir, `${s.app}-${s.generation}.log`), s.process.logs.slice(-200_000));
      if (this.stopping) return;
      if (!s.killing) this.selfExits.push({ app: s.app, at: Date.now(), end, logTail: s.process.logs.slice(-2000) });
      s.killing = false;
      // A start that fails at once (broker still down) is retried after a pause, not in a tight loop.
      if (!s.process.running && Date.now() - s.process.spawnedAt.getTime() < 2000) await new Promise((resolve) => setTimeout(resolve, 1000));
      if (this.stopping) return;
      s.generation++;
      s.process = ServiceProcess.spawn(s.app, s.env);
    }
  }
}
