import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, freePort } from '../support/stack';

const run = promisify(execFile);

/**
 * A Kafka broker of the campaign's own: deploy/local/kafka.sh on free client and controller ports, so its
 * data directory ($AIRAN_HOME/kafka-data-<port>) and pid file are its own and restarting it never touches
 * the shared broker on 9092 that concurrent test runs use. It runs with the machine's internal principal,
 * the same KAFKA_SASL_* as the shared one. The data directory is removed before the first start (a port
 * used by an earlier run must not hand over its topics) and after the last stop, unless a failed run keeps it.
 */
export class OwnKafka {
  private constructor(
    readonly port: number,
    private readonly controllerPort: number,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<OwnKafka> {
    const kafka = new OwnKafka(await freePort(), await freePort());
    rmSync(kafka.dataDir, { recursive: true, force: true });
    await kafka.script('start');
    return kafka;
  }

  /** The internal principal's KAFKA_SASL_* settings (none without SASL), for this process's clients and the services. */
  async credentials(): Promise<Record<string, string>> {
    const { stdout } = (await this.script('credentials')) as { stdout: string };
    return Object.fromEntries(stdout.split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  }

  /** Graceful (SIGTERM: the broker closes its logs and leaves the controller quorum) or hard (SIGKILL: log recovery on start). */
  async restart(hard: boolean): Promise<void> {
    if (hard) {
      const pid = Number(readFileSync(join(this.home, 'run', `kafka-${this.port}.pid`), 'utf8'));
      process.kill(pid, 'SIGKILL');
      // kafka.sh start reuses a broker while its pid lives: wait until the kernel has reaped it.
      while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
    } else {
      await this.script('stop');
    }
    await this.script('start');
  }

  /** Stops the broker; its data directory goes too unless it is kept as evidence (its path is returned). */
  async destroy(keepData = false): Promise<string | undefined> {
    await this.script('stop').catch(() => undefined);
    if (keepData) return this.dataDir;
    rmSync(this.dataDir, { recursive: true, force: true });
    return undefined;
  }

  private get home(): string {
    return process.env.AIRAN_HOME ?? join(homedir(), '.cache/airan');
  }

  private get dataDir(): string {
    return join(this.home, `kafka-data-${this.port}`);
  }

  private script(command: 'start' | 'stop' | 'credentials'): Promise<unknown> {
    return run('bash', [join(ROOT, 'deploy/local/kafka.sh'), command], {
      env: { ...process.env, KAFKA_PORT: String(this.port), KAFKA_CONTROLLER_PORT: String(this.controllerPort), KAFKA_HEAP_OPTS: process.env.KAFKA_HEAP_OPTS ?? '-Xms256m -Xmx512m' },
      timeout: 180_000,
    });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
