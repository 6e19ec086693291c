import { Client } from 'pg';
import { CLK_TCK, cpuTicksOf } from './proc-usage';

/**
 * Watches the Postgres backends serving the load process (client backends of the bench's database other
 * than this watcher's and the bench's own) every `intervalMs`:
 * - their CPU time: each one's utime + stime from /proc (readable as root or as the postgres user; 0
 *   otherwise); a backend's last reading counts, so one that ends early still counts;
 * - what they are doing: how often each statement (its first words) was seen active or waiting, a
 *   sampling profile of the database side (pg_stat_statements needs a server restart; this does not).
 */
export class BackendWatch {
  private readonly last = new Map<number, number>();
  private readonly activity = new Map<string, number>();
  private observations = 0;
  private stopped = false;
  private loop?: Promise<void>;

  private constructor(
    private readonly db: Client,
    private readonly intervalMs: number,
    /** Backends of the bench's own connections (its lag and outbox polling), not the load's. */
    private readonly ignore: readonly number[],
  ) {}

  static start(url: string, intervalMs: number, ignore: readonly number[]): BackendWatch {
    const watch = new BackendWatch(new Client({ connectionString: url }), intervalMs, ignore);
    watch.loop = watch.run();
    return watch;
  }

  private async run(): Promise<void> {
    await this.db.connect();
    let lastCpu = 0;
    try {
      while (!this.stopped) {
        const { rows } = await this.db.query(
          `SELECT pid, state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> ALL($1::int[]) AND backend_type = 'client backend'`,
          [this.ignore],
        );
        this.observations++;
        for (const r of rows as Array<{ pid: number; state: string; wait_event_type: string | null; wait_event: string | null; query: string }>) {
          if (r.state === 'active') {
            const what = `${r.wait_event_type ? `wait ${r.wait_event_type}:${r.wait_event}` : 'cpu'} | ${r.query}`;
            this.activity.set(what, (this.activity.get(what) ?? 0) + 1);
          }
        }
        if (Date.now() - lastCpu >= 500) {
          lastCpu = Date.now();
          for (const { pid } of rows as Array<{ pid: number }>) this.read(pid);
        }
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    } finally {
      await this.db.end();
    }
  }

  private read(pid: number): void {
    const ticks = cpuTicksOf(pid); // undefined once it has ended, or if /proc/<pid> is not ours to read
    if (ticks !== undefined) this.last.set(pid, ticks / CLK_TCK);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
  }

  /** CPU seconds of every backend seen so far, read now (so that the difference of two calls is the CPU in between). */
  cpuSeconds(): number {
    for (const pid of this.last.keys()) this.read(pid);
    return [...this.last.values()].reduce((a, b) => a + b, 0);
  }

  /** Statements by share of observations in which a backend ran them (1 = one backend busy all along). */
  profile(top = 15): Array<{ share: number; what: string }> {
    return [...this.activity]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, n]) => ({ share: Math.round((1000 * n) / Math.max(1, this.observations)) / 1000, what }));
  }
}
