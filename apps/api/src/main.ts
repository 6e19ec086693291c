import { runService } from '@airan/http';
import { ALERTS_HTTP_STATUS } from './alerts/alerts.errors';
import { apiConfigSchema } from './api.config';
import { API_MIGRATIONS } from './api.migrations';
import { ApiModule } from './api.module';
import { KEYS_HTTP_STATUS } from './keys/keys.errors';
import { REGISTRY_HTTP_STATUS } from './registry/registry.errors';

void runService({
  name: 'api',
  configSchema: apiConfigSchema,
  migrations: API_MIGRATIONS,
  module: (infra) => ApiModule.forRoot(infra),
  httpStatusMaps: { alerts: ALERTS_HTTP_STATUS, registry: REGISTRY_HTTP_STATUS, keys: KEYS_HTTP_STATUS },
});
