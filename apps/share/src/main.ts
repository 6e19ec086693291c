import { runService } from '@airan/http';
import { shareConfigSchema } from './share.config';
import { ShareModule } from './share.module';

void runService({
  name: 'share',
  configSchema: shareConfigSchema,
  // Share keeps nothing in Postgres: its state is its consumer group's offsets, committed in its transactions.
  migrations: [],
  module: (infra) => ShareModule.forRoot(infra),
});
