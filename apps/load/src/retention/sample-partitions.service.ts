import { Inject, Injectable } from '@nestjs/common';
import { INFRA, PeriodicMaintenance, type ServiceInfra } from '@airan/http';
import { Clock } from '@airan/system';
import type { LoadConfig } from '../load.config';

const DAY_MS = 86_400_000;
const TABLES = ['cell_samples', 'gpu_samples'] as const;

/**
 * Raw samples are partitioned by day: partitions are created ahead (from the retention horizon to two
 * days out) and the ones past LOAD_SAMPLE_RETENTION_DAYS dropped, at start-up and hourly. Start-up
 * maintenance runs in onModuleInit, before the consumer starts (onApplicationBootstrap), so no sample
 * lands in the default partition for want of its day's.
 */
@Injectable()
export class SamplePartitions extends PeriodicMaintenance {
  constructor(
    @Inject(INFRA) private readonly infra: ServiceInfra<LoadConfig>,
    private readonly clock: Clock,
  ) {
    super(infra.logger, 'sample partition maintenance');
  }

  protected maintain(): Promise<void> {
    return this.maintainAt(this.clock.now());
  }

  private async maintainAt(now: number): Promise<void> {
    const retentionDays = this.infra.config.LOAD_SAMPLE_RETENTION_DAYS;
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const db = this.infra.dataSource;
    for (const table of TABLES) {
      for (let day = today - retentionDays * DAY_MS; day <= today + 2 * DAY_MS; day += DAY_MS) {
        const name = `${table}_p${new Date(day).toISOString().slice(0, 10).replace(/-/g, '')}`;
        // Identifiers and bounds are generated here from dates, never from input.
        await db.query(
          `CREATE TABLE IF NOT EXISTS load.${name} PARTITION OF load.${table} FOR VALUES FROM ('${new Date(day).toISOString()}') TO ('${new Date(day + DAY_MS).toISOString()}')`,
        ).catch((error: Error) => this.infra.logger.warn({ partition: name, err: error.message }, 'could not create sample partition; rows stay in the default partition'));
      }
      const partitions: Array<{ name: string }> = await db.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = 'load' AND p.relname = $1`,
        [table],
      );
      const horizon = new Date(today - retentionDays * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
      for (const { name } of partitions) {
        const day = /_p(\d{8})$/.exec(name)?.[1];
        if (day && day < horizon) await db.query(`DROP TABLE load.${name}`);
      }
    }
  }
}
