import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { metricTotal } from './metrics';
import { leakedSecrets } from './secret-scan';
import { ROOT, eventually, freePort } from './stack';

/** The apps a test can run as processes (each built by `npm run build` to dist/apps/<app>/src/main.js). */
export type AppName = 'ingest' | 'load' | 'alerting' | 'api' | 'share';

/** How long an app gets to answer `/health/ready` (load, busy applying a backlog, is the slowest). */
const READY_TIMEOUT_MS = 90_000;

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One airan app as a real process, spawned exactly as a deployment runs it (the built entry point,
 * the test's environment, HTTP on 127.0.0.1). It can be stopped gracefully (SIGTERM: shutdown hooks
 * run, the app leaves its consumer groups) or killed with SIGKILL (no shutdown hook runs, in-flight
 * transactions are cut off, the Kafka group member is left behind). An exit the test did not ask for
 * is a failure: see `unexpectedExit`.
 */
export class ServiceProcess {
  private output = '';
  private readonly exit: Promise<ProcessEnd>;
  private expectedExit = false;

  private constructor(
    readonly app: AppName,
    readonly url: string,
    private readonly child: ChildProcess,
    /** Just before the process was spawned: its connections (to Postgres, say) are all younger. */
    readonly spawnedAt: Date,
    /** The environment it was given: the secrets in it must never show in its output. */
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /**
   * Spawns the app and returns at once, without waiting for it to get ready (see `waitReady`). It
   * listens on `env.PORT` if that is set, else on a free port. Synchronous, so that a test can watch
   * a process that never gets ready (start-up failures) as easily as one it waits for.
   */
  static spawn(app: AppName, env: Record<string, string>): ServiceProcess {
    const port = env.PORT ?? String(freePortSync());
    const spawnedAt = new Date();
    const fullEnv = { ...process.env, ...env, PORT: port, HTTP_HOST: '127.0.0.1' };
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps', app, 'src/main.js')], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    return new ServiceProcess(app, `http://127.0.0.1:${port}`, child, spawnedAt, fullEnv);
  }

  /** Starts the app on a free port and resolves once `/health/ready` answers 200; one that never gets ready is killed, not left behind. */
  static async start(app: AppName, env: Record<string, string>, timeoutMs = READY_TIMEOUT_MS): Promise<ServiceProcess> {
    const service = ServiceProcess.spawn(app, { ...env, PORT: String(await freePort()) });
    try {
      await service.waitReady(timeoutMs);
    } catch (error) {
      await service.kill().catch(() => undefined);
      throw error;
    }
    return service;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get logs(): string {
    return this.output;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the exit code once the process has ended (null if a signal ended it). */
  async exitCode(): Promise<number | null> {
    return (await this.exit).code;
  }

  /** Resolves once `/health/ready` answers 200; rejects, with the app's output, if the process ends first. */
  async waitReady(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const exited = this.exit.then(({ code, signal }) => {
      throw new Error(`${this.app} (pid ${this.pid}) exited (code ${code}, signal ${signal}) before it was ready:\n${this.output}`);
    });
    const ready = eventually(async () => {
      const res = await fetch(`${this.url}/health/ready`);
      if (res.status !== 200) throw new Error(`ready answered ${res.status}`);
    }, timeoutMs);
    await Promise.race([ready, exited]);
  }

  /** Rejects if the process exits without the test asking it to: a crash of its own is a failure. */
  unexpectedExit(): Promise<never> {
    return this.exit.then(({ code, signal }) => {
      if (this.expectedExit) return new Promise<never>(() => undefined);
      throw new Error(`${this.app} (pid ${this.pid}) exited by itself (code ${code}, signal ${signal}):\n${this.output.slice(-4000)}`);
    });
  }

  /** For a process armed to end by itself (a fault point): resolves with how it ended, which is then not a failure. */
  endsByItself(): Promise<ProcessEnd> {
    this.expectedExit = true;
    return this.exit;
  }

  /** A counter's value from the app's /metrics (summed over its labels). */
  async metric(name: string): Promise<number> {
    return metricTotal(this.url, name);
  }

  /** kill -9, and wait until the process is gone: no shutdown hooks, no goodbye to Kafka or Postgres. */
  async kill(): Promise<void> {
    this.expectedExit = true;
    if (this.running) {
      this.child.kill('SIGKILL');
      const { signal } = await this.exit;
      if (signal !== 'SIGKILL') throw new Error(`${this.app} ended with ${signal} before the SIGKILL`);
    }
    this.checkNoSecretsLogged();
  }

  /** Graceful stop (SIGTERM): the app leaves its consumer group and closes its connections. */
  async stop(): Promise<void> {
    this.expectedExit = true;
    if (this.running) {
      this.child.kill('SIGTERM');
      await this.exit;
    }
    this.checkNoSecretsLogged();
  }

  /**
   * Every test that ends a process scans all it wrote for key material: an API key, or the value of a
   * secret it was given (the broker password, alerting's token). A finding fails the test that stopped it.
   */
  private checkNoSecretsLogged(): void {
    const findings = leakedSecrets(this.output, this.env);
    if (findings.length > 0) throw new Error(`${this.app} (pid ${this.pid}) logged key material:\n${findings.join('\n')}`);
  }
}

/**
 * freePort, synchronously (`spawn` does not await): a throwaway Node process asks the kernel for a
 * free port on 127.0.0.1 and releases it, as freePort does.
 */
function freePortSync(): number {
  const script = `const server = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(server.address().port)); server.close(); });`;
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
