import { TOPICS } from '@airan/contracts';
import { runService } from '@airan/http';
import { loadConfigSchema } from './load.config';
import { LOAD_MIGRATIONS } from './load.migrations';
import { LoadModule } from './load.module';

void runService({
  name: 'load',
  configSchema: loadConfigSchema,
  migrations: LOAD_MIGRATIONS,
  module: (infra) => LoadModule.forRoot(infra),
  consumerGroups: (config) => ({ [TOPICS.telemetry.name]: config.LOAD_GROUP_ID }),
});
