import { TOPICS } from '@airan/contracts';
import { runService } from '@airan/http';
import { loadConfigSchema } from './load.config';
import { LOAD_MIGRATIONS } from './load.migrations';
import { LoadModule } from './load.module';

void runService({
  name: 'load',
  configSchema: loadConfigSchema,
  migrations: LOAD_MIGRATIONS,
  // The per-window lookups are estimated expensive (one index probe per partition per row) though they take
  // milliseconds, and compiling their expressions took seconds per statement once the estimate passed
  // jit_above_cost.
  databaseSettings: { jit: 'off' },
  module: (infra) => LoadModule.forRoot(infra),
  consumerGroups: (config) => ({ [TOPICS.telemetry.name]: config.LOAD_GROUP_ID }),
});
