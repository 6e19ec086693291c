import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/stack';

const run = promisify(execFile);

/**
 * A Postgres cluster of the campaign's own (initdb and pg_ctl of the installed server binaries, in a
 * temporary directory, on a free port), so that it can be crashed and restarted without touching the
 * shared server other test runs use. The server refuses to run as root: then it runs as `postgres`.
 */
export class OwnPostgres {
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Superuser URL of the cluster's `postgres` database (trust authentication, 127.0.0.1 only). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get logFile(): string {
    return join(this.dir, 'postgres.log');
  }

  static async start(): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'airan-chaos-pg-'));
    const pg = new OwnPostgres(dir, await freePort());
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout), Number(gid));
    }
    await pg.asServerUser('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    // Enough connections for five services and their restarts (a killed one's sessions linger until Postgres notices).
    writeFileSync(join(pg.dataDir, 'postgresql.auto.conf'), [`port = ${pg.port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${dir}'`, 'max_connections = 300', ''].join('\n'));
    await pg.pgCtl('start');
    return pg;
  }

  /** Crash and restart: `immediate` is SIGQUIT to every server process, with crash recovery on start (what a power cut does). */
  async restart(): Promise<void> {
    await this.pgCtl('stop', ['-m', 'immediate']);
    await this.pgCtl('start');
  }

  async destroy(): Promise<void> {
    await this.pgCtl('stop', ['-m', 'fast']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private pgCtl(action: 'start' | 'stop', extra: string[] = []): Promise<unknown> {
    return this.asServerUser('pg_ctl', [action, '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', ...extra]);
  }

  private asServerUser(command: string, args: string[]): Promise<unknown> {
    const asRoot = process.getuid?.() === 0;
    // pg_ctl start leaves the server running: its output must not be a pipe this process waits on.
    return run(asRoot ? 'runuser' : command, asRoot ? ['-u', 'postgres', '--', command, ...args] : args, { cwd: this.dir, timeout: 120_000 });
  }
}
