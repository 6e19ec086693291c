import { TOPICS } from '@airan/contracts';
import { runService } from '@airan/http';
import { alertingConfigSchema } from './alerting.config';
import { ALERTING_HTTP_STATUS } from './alerting.errors';
import { ALERTING_MIGRATIONS } from './alerting.migrations';
import { AlertingModule } from './alerting.module';

void runService({
  name: 'alerting',
  configSchema: alertingConfigSchema,
  migrations: ALERTING_MIGRATIONS,
  module: (infra) => AlertingModule.forRoot(infra),
  consumerGroups: (config) => ({ [TOPICS.cellLoad.name]: config.ALERTING_GROUP_ID, [TOPICS.telemetry.name]: config.ALERTING_SAMPLES_GROUP_ID }),
  httpStatusMaps: { alerting: ALERTING_HTTP_STATUS },
  textMediaTypes: ['application/yaml', 'text/yaml', 'application/x-yaml'],
});
