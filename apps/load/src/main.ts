import { runService } from '@airan/http';
import { loadConfigSchema } from './load.config';
import { LOAD_MIGRATIONS } from './load.migrations';
import { LoadModule } from './load.module';

void runService({ name: 'load', configSchema: loadConfigSchema, migrations: LOAD_MIGRATIONS, module: (infra) => LoadModule.forRoot(infra) });
