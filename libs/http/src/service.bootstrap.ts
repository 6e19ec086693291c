import 'reflect-metadata';
import { type DynamicModule, Global, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR, ModuleRef } from '@nestjs/core';
import { NestFactory } from '@nestjs/core';
import { UnknownElementException } from '@nestjs/core/errors/exceptions/unknown-element.exception';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { MigrationInterface } from 'typeorm';
import type { z } from 'zod';
import { API_KEY_REPOSITORY, type PrincipalLookup } from '@airan/auth';
import { type CommonConfig, ConfigError, type HttpsCredentials, httpsCredentialsOf, kafkaSaslOf, loadConfig } from '@airan/config';
import { topicNames } from '@airan/contracts';
import { DatabaseUnavailableError, infrastructureMigration, openServiceDatabase } from '@airan/database';
import { KafkaBatchTransport, KafkaUnavailableError, TopicDriftError, connectAndProvision, createKafka } from '@airan/kafka';
import { type Logger, NestPinoLogger, ObservabilityController, READINESS_CHECKS, type ReadinessCheck, createLogger, initTracing, shutdownTracing } from '@airan/observability';
import { AUTH_HTTP_STATUS, HTTP_LOGGER, HTTP_STATUS_MAPS, HttpErrorFilter, type HttpStatusMaps } from './http-error.filter';
import { INFRA, type ServiceInfra } from './service.infra';
import { answerClientError } from './client-error.handler';
import { drainRefusedBodies } from './refused-body.hook';
import { connectKafkaConsumers } from './kafka-consumers.connect';
import { decodeContentEncoding } from './content-encoding.hook';
import { limitJsonDepth } from './json-depth.hook';
import { type BodyReading, MediaTypeInterceptor, readDeclaredMediaTypes } from './media-type.route';
import { RATE_LIMIT_HTTP_STATUS } from './rate-limit.errors';
import { registerRateLimit } from './rate-limit.plugin';
import { MAX_PATH_PARAMETER_LENGTH, REQUEST_HTTP_STATUS, answerRouterError } from './request.errors';
import { registerRequestLog } from './request-log.hooks';
import { registerSecurityHeaders } from './security-headers.hook';

export interface ServiceSpec<S extends z.ZodTypeAny> {
  /** Deployable name; also the Postgres schema it owns and the Kafka client id. */
  readonly name: 'ingest' | 'load' | 'alerting' | 'api' | 'share';
  readonly configSchema: S;
  readonly migrations: Array<new () => MigrationInterface>;
  /** Postgres run-time parameters every connection of the app starts with. */
  readonly databaseSettings?: Readonly<Record<string, string>>;
  /** The app's feature module, built from the prepared infrastructure. */
  readonly module: (infra: ServiceInfra<z.output<S> & CommonConfig>) => DynamicModule;
  /**
   * Consumer group of each topic the app's `@EventPattern` handlers consume, by contract topic name: the
   * app then also runs the Kafka batch transport (a hybrid app: HTTP and consumers).
   */
  readonly consumerGroups?: (config: z.output<S>) => Readonly<Record<string, string>>;
  readonly httpStatusMaps?: HttpStatusMaps;
  readonly bodyLimitBytes?: (config: z.output<S>) => number;
  /** Media types besides text/plain whose bodies reach controllers as strings (e.g. YAML documents). */
  readonly textMediaTypes?: readonly string[];
  /** Media types whose bodies reach controllers as raw bytes (a Buffer), e.g. protobuf. */
  readonly binaryMediaTypes?: readonly string[];
}

/** Errors at start-up that are the operator's to fix: print the message, no stack, exit 1. */
const STARTUP_ERRORS = [ConfigError, DatabaseUnavailableError, KafkaUnavailableError, TopicDriftError];

/**
 * The start-up sequence every app shares: validated config, tracing, logs, Postgres (database,
 * schema, migrations), Kafka (reachability, topics), then the Nest app on fastify with health,
 * metrics and the HTTP error mapper. SIGINT/SIGTERM close it cleanly.
 */
export async function runService<S extends z.ZodTypeAny>(spec: ServiceSpec<S>): Promise<void> {
  try {
    // A consumer that stopped for good: exit, so the supervisor restarts the service (closing first, within bounds).
    let app: NestFastifyApplication | undefined;
    const onFatal = () => {
      setTimeout(() => process.exit(1), FATAL_CLOSE_MS).unref();
      // During start-up there is no app yet to close: the consumer has logged why, and start-up ends here.
      void (app?.close() ?? Promise.resolve()).finally(() => process.exit(1));
    };
    app = await startService(spec, onFatal);
    const stop = async () => {
      await app?.close();
      await shutdownTracing();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    const known = STARTUP_ERRORS.some((type) => error instanceof type);
    process.stderr.write(`${spec.name} failed to start: ${known ? (error as Error).message : (error as Error).stack}\n`);
    process.exit(1);
  }
}

/** How long a fatal consumer failure waits for the app to close before exiting anyway. */
const FATAL_CLOSE_MS = 10_000;

export async function startService<S extends z.ZodTypeAny>(spec: ServiceSpec<S>, onFatal: (error: Error) => void): Promise<NestFastifyApplication> {
  const config = loadConfig(spec.configSchema) as z.output<S> & CommonConfig;
  const https = httpsCredentialsOf(config);
  initTracing(`airan-${spec.name}`, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const logger = createLogger(spec.name, config.LOG_LEVEL);
  const dataSource = await openServiceDatabase({ url: config.DATABASE_URL, schema: spec.name, migrations: [infrastructureMigration(spec.name), ...spec.migrations], sessionSettings: spec.databaseSettings });
  const kafka = createKafka({ clientId: `airan-${spec.name}`, brokers: config.KAFKA_BROKERS, connectTimeoutMs: config.KAFKA_CONNECT_TIMEOUT_MS, sasl: kafkaSaslOf(config) }, logger);
  await connectAndProvision(kafka, config.KAFKA_BROKERS, config.KAFKA_TOPIC_PREFIX, config.KAFKA_REPLICATION_FACTOR, logger);

  const admin = kafka.admin();
  await admin.connect();
  const checks: ReadinessCheck[] = [
    { name: 'postgres', check: async () => void (await dataSource.query('SELECT 1')) },
    { name: 'kafka', check: async () => void (await admin.describeCluster()) },
  ];
  const infra: ServiceInfra<typeof config> = { name: spec.name, config, logger, dataSource, kafka, topics: topicNames(config.KAFKA_TOPIC_PREFIX), readinessChecks: checks };

  /** Closes shared connections last: features stop their consumers and producers in onModuleDestroy, before this. */
  class InfraLifecycle implements OnApplicationShutdown {
    async onApplicationShutdown(): Promise<void> {
      await admin.disconnect();
      await dataSource.destroy();
    }
  }

  @Global()
  @Module({
    controllers: [ObservabilityController],
    providers: [
      { provide: INFRA, useValue: infra },
      InfraLifecycle,
      { provide: READINESS_CHECKS, useValue: checks },
      ...httpErrorProviders(spec.httpStatusMaps ?? {}, logger),
      { provide: APP_INTERCEPTOR, useClass: MediaTypeInterceptor },
    ],
    exports: [INFRA, HTTP_STATUS_MAPS, HTTP_LOGGER],
  })
  class InfraModule {}

  @Module({ imports: [InfraModule, spec.module(infra)] })
  class RootModule {}

  const adapter = createHttpAdapter({ bodyLimitBytes: spec.bodyLimitBytes?.(config) ?? 1024 * 1024, textMediaTypes: spec.textMediaTypes, binaryMediaTypes: spec.binaryMediaTypes, https }, logger);
  // The adapter serves TLS; `httpsOptions` here only makes Nest's `getUrl` (logged below) say https.
  const app = await NestFactory.create<NestFastifyApplication>(RootModule, adapter, { logger: new NestPinoLogger(logger), bufferLogs: false, httpsOptions: https });
  await registerRateLimit(app, { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS }, principalLookup(app));
  const groups = spec.consumerGroups?.(config);
  if (groups) {
    const transport = new KafkaBatchTransport({ kafka, dataSource, schema: spec.name, prefix: config.KAFKA_TOPIC_PREFIX, groups, logger, onFatal });
    connectKafkaConsumers(app, transport, logger);
  }
  // Every module's init and bootstrap hooks first (registry caches read, outbox relays started), then the consumers, then HTTP.
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HTTP_HOST);
  logger.info({ address: await app.getUrl() }, `${spec.name} listening`);
  return app;
}

/** The app's key lookup, which its guard uses; none in an app without one (load serves only the probes). */
function principalLookup(app: NestFastifyApplication): PrincipalLookup | undefined {
  // Asked through ModuleRef: a provider missing from `app.get` ends the process (Nest's abortOnError).
  try {
    return app.get(ModuleRef).get<symbol, PrincipalLookup>(API_KEY_REPOSITORY, { strict: false });
  } catch (error) {
    if (error instanceof UnknownElementException) return undefined;
    throw error;
  }
}

/** The HTTP error mapper and what it needs: every feature's status map (auth's and the request envelope's included) and the logger. */
export function httpErrorProviders(statusMaps: HttpStatusMaps, logger: Logger): Provider[] {
  return [
    { provide: HTTP_STATUS_MAPS, useValue: { auth: AUTH_HTTP_STATUS, request: REQUEST_HTTP_STATUS, rateLimit: RATE_LIMIT_HTTP_STATUS, ...statusMaps } },
    { provide: HTTP_LOGGER, useValue: logger },
    { provide: APP_FILTER, useClass: HttpErrorFilter },
  ];
}

export interface HttpAdapterOptions {
  readonly bodyLimitBytes: number;
  /** Media types besides text/plain whose bodies reach controllers as strings. */
  readonly textMediaTypes?: readonly string[];
  /** Media types whose bodies reach controllers as raw bytes (a Buffer). */
  readonly binaryMediaTypes?: readonly string[];
  /** Set: the app serves HTTPS with these, and only HTTPS. */
  readonly https?: HttpsCredentials;
}

/**
 * The fastify adapter every app serves on: its body limit (on the decoded body), gzip and deflate
 * bodies decoded, a refused body drained rather than cut off, a trailing slash ignored, the URLs its
 * router refuses answered in airan's error body, one access-log line per request, the JSON depth limit
 * and the body parsers (the app's, and those of the media types its routes declare). TLS when given
 * credentials.
 */
export function createHttpAdapter(options: HttpAdapterOptions, logger: Logger): FastifyAdapter {
  // `/v1/metrics/` is what a site's exporter gets when its endpoint is configured with a slash: the same route.
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    frameworkErrors: answerRouterError,
    clientErrorHandler: answerClientError,
    https: options.https,
  });
  const app = adapter.getInstance();
  registerRequestLog(app, logger);
  registerSecurityHeaders(app);
  decodeContentEncoding(app);
  drainRefusedBodies(app);
  limitJsonDepth(app);
  // Fastify's own two parsers, then the app's.
  const readings = new Map<string, BodyReading>([
    ['application/json', 'json'],
    ['text/plain', 'text'],
  ]);
  for (const [reading, mediaTypes] of [['text', options.textMediaTypes], ['binary', options.binaryMediaTypes]] as const) {
    if (!mediaTypes?.length) continue;
    app.addContentTypeParser([...mediaTypes], { parseAs: reading === 'text' ? 'string' : 'buffer' }, (_request, body, done) => done(null, body));
    for (const type of mediaTypes) readings.set(type.toLowerCase(), reading);
  }
  readDeclaredMediaTypes(app, readings);
  return adapter;
}
