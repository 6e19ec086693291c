import { runService } from '@airan/http';
import { apiConfigSchema } from './api.config';
import { API_MIGRATIONS } from './api.migrations';
import { ApiModule } from './api.module';
import { ALERTS_HTTP_STATUS } from './alerts/alerts.errors';

void runService({ name: 'api', configSchema: apiConfigSchema, migrations: API_MIGRATIONS, module: (infra) => ApiModule.forRoot(infra), httpStatusMaps: { alerts: ALERTS_HTTP_STATUS } });
