import { runService } from '@airan/http';
import { shareConfigSchema } from './share.config';
import { ShareModule } from './share.module';

void runService({
  name: 'share',
  configSchema: shareConfigSchema,
  // Share keeps no state in Postgres (it reads load's and the api's history to backfill): its state is consumer-group offsets, committed in its transactions.
  migrations: [],
  module: (infra) => ShareModule.forRoot(infra),
});
