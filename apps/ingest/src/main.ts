import { runService } from '@airan/http';
import { ingestConfigSchema } from './ingest.config';
import { IDENTIFIERS_HTTP_STATUS } from './identifiers/identifiers.errors';
import { INGEST_HTTP_STATUS } from './ingest.errors';
import { INGEST_MIGRATIONS } from './ingest.migrations';
import { IngestModule } from './ingest.module';
import { OTLP_PROTOBUF } from './otlp/otlp.media-types';

void runService({
  name: 'ingest',
  configSchema: ingestConfigSchema,
  migrations: INGEST_MIGRATIONS,
  module: (infra) => IngestModule.forRoot(infra),
  httpStatusMaps: { ingest: INGEST_HTTP_STATUS, identifiers: IDENTIFIERS_HTTP_STATUS },
  bodyLimitBytes: (config) => config.INGEST_MAX_BODY_BYTES,
  binaryMediaTypes: [OTLP_PROTOBUF],
});
