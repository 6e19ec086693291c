import { TOPICS } from '@airan/contracts';
import { runService } from '@airan/http';
import { ALERTS_HTTP_STATUS } from './alerts/alerts.errors';
import { CONSOLE_HTTP_STATUS } from './console/console.errors';
import { apiConfigSchema } from './api.config';
import { API_MIGRATIONS } from './api.migrations';
import { ApiModule } from './api.module';
import { EXPORTS_HTTP_STATUS } from './exports/exports.errors';
import { GRANTS_HTTP_STATUS } from './grants/grants.errors';
import { HISTORY_HTTP_STATUS } from './history/history.errors';
import { INGEST_HEALTH_HTTP_STATUS } from './ingest-health/ingest-health.errors';
import { KEYS_HTTP_STATUS } from './keys/keys.errors';
import { OPS_HTTP_STATUS } from './ops/ops.errors';
import { RULES_YAML_MEDIA_TYPES } from './ops/ops.openapi';
import { PARAMS_HTTP_STATUS } from './params/params.errors';
import { PARTNER_CREDENTIALS_HTTP_STATUS } from './partner-credentials/partner-credentials.errors';
import { REGISTRY_HTTP_STATUS } from './registry/registry.errors';
import { STREAMS_HTTP_STATUS } from './streams/streams.errors';

void runService({
  name: 'api',
  configSchema: apiConfigSchema,
  migrations: API_MIGRATIONS,
  module: (infra) => ApiModule.forRoot(infra),
  consumerGroups: (config) => ({ [TOPICS.alerts.name]: config.API_GROUP_ID, [TOPICS.telemetryDlq.name]: config.API_DEAD_LETTERS_GROUP_ID }),
  httpStatusMaps: { alerts: ALERTS_HTTP_STATUS, registry: REGISTRY_HTTP_STATUS, keys: KEYS_HTTP_STATUS, ops: OPS_HTTP_STATUS, params: PARAMS_HTTP_STATUS, history: HISTORY_HTTP_STATUS, exports: EXPORTS_HTTP_STATUS, 'ingest-health': INGEST_HEALTH_HTTP_STATUS, streams: STREAMS_HTTP_STATUS, grants: GRANTS_HTTP_STATUS, 'partner-credentials': PARTNER_CREDENTIALS_HTTP_STATUS, console: CONSOLE_HTTP_STATUS },
  // Rule imports reach the forwarder as the text sent (bounded by the body limit, 1 MiB).
  textMediaTypes: RULES_YAML_MEDIA_TYPES,
});
