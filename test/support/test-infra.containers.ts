import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { getContainerRuntimeClient } from 'testcontainers';
import { KAFKA_IMAGE, POSTGRES_IMAGE, type StartedTestInfra, TESTCONTAINERS_SWITCH } from './test-infra';

/**
 * The container path of the integration set-up: Kafka and Postgres started with testcontainers.
 * Only global-setup.ts loads this module, and only when test-infra.ts chose containers.
 */

/** The plaintext listener @testcontainers/kafka publishes for clients outside the container. */
const KAFKA_CLIENT_PORT = 9093;
const POSTGRES_USER = 'postgres';
const POSTGRES_PASSWORD = 'postgres';
/** How long the engine may take to answer before the set-up gives up, rather than hang. */
export const ENGINE_TIMEOUT_MS = 30_000;

export interface RunningContainer {
  stop(): Promise<unknown>;
}

/** What the wrapper needs from a container engine; the default drives testcontainers, tests inject fakes. */
export interface ContainerDriver {
  /** Resolves once an engine answers; rejects (or never settles) when none does. */
  connectEngine(): Promise<unknown>;
  startKafka(image: string): Promise<RunningContainer & { readonly brokers: string }>;
  startPostgres(image: string): Promise<RunningContainer & { readonly url: string }>;
}

export const testcontainersDriver: ContainerDriver = {
  connectEngine: () => getContainerRuntimeClient(),

  async startKafka(image) {
    // Configured like deploy/local/kafka.sh's single KRaft node: topics are created explicitly, and the
    // internal topics (offsets, transactions) fit one broker.
    const kafka = await new KafkaContainer(image)
      .withKraft()
      .withEnvironment({
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_NUM_PARTITIONS: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      })
      .start();
    return { brokers: `${kafka.getHost()}:${kafka.getMappedPort(KAFKA_CLIENT_PORT)}`, stop: () => kafka.stop() };
  },

  async startPostgres(image) {
    const postgres = await new PostgreSqlContainer(image)
      .withUsername(POSTGRES_USER)
      .withPassword(POSTGRES_PASSWORD)
      .withDatabase('postgres')
      .start();
    const url = new URL('postgres://placeholder/postgres');
    url.username = POSTGRES_USER;
    url.password = POSTGRES_PASSWORD;
    url.hostname = postgres.getHost();
    url.port = String(postgres.getPort());
    return { url: url.toString(), stop: () => postgres.stop() };
  },
};

export interface StartTestContainersOptions {
  /** Why containers were chosen (TestInfraSelection.reason), repeated in any error. */
  readonly reason: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly driver?: ContainerDriver;
  readonly engineTimeoutMs?: number;
}

/**
 * Checks that a Docker engine answers, then starts Kafka and Postgres side by side. Every failure says
 * which part failed and how to run without containers; a container that did start is stopped again.
 */
export async function startTestContainers(options: StartTestContainersOptions): Promise<StartedTestInfra> {
  const { reason, env = process.env, driver = testcontainersDriver, engineTimeoutMs = ENGINE_TIMEOUT_MS } = options;
  const hint =
    `Containers were chosen because ${reason}. Start a Docker engine (or point DOCKER_HOST at one), ` +
    `or run against the local broker and Postgres with ${TESTCONTAINERS_SWITCH}=0.`;
  const where = `DOCKER_HOST=${env.DOCKER_HOST?.trim() ? env.DOCKER_HOST : '(unset)'}`;

  try {
    await withTimeout(driver.connectEngine(), engineTimeoutMs);
  } catch (error) {
    if (error instanceof TimedOut) {
      throw new Error(`No Docker engine answered within ${engineTimeoutMs / 1000} s (${where}). ${hint}`);
    }
    throw new Error(`No Docker engine reachable (${where}): ${messageOf(error)}. ${hint}`);
  }

  const [kafka, postgres] = await Promise.allSettled([driver.startKafka(KAFKA_IMAGE), driver.startPostgres(POSTGRES_IMAGE)]);
  if (kafka.status === 'rejected' || postgres.status === 'rejected') {
    const failures: string[] = [];
    if (kafka.status === 'rejected') failures.push(`Kafka (${KAFKA_IMAGE}): ${messageOf(kafka.reason)}`);
    if (postgres.status === 'rejected') failures.push(`Postgres (${POSTGRES_IMAGE}): ${messageOf(postgres.reason)}`);
    await Promise.allSettled([kafka, postgres].flatMap((r) => (r.status === 'fulfilled' ? [r.value.stop()] : [])));
    throw new Error(`Could not start the test containers: ${failures.join('; ')}. ${hint}`);
  }

  return {
    kafkaBrokers: kafka.value.brokers,
    postgresUrl: postgres.value.url,
    async stop() {
      const stopped = await Promise.allSettled([kafka.value.stop(), postgres.value.stop()]);
      const failed = stopped.flatMap((r, i) => (r.status === 'rejected' ? [`${i === 0 ? 'Kafka' : 'Postgres'}: ${messageOf(r.reason)}`] : []));
      if (failed.length > 0) throw new Error(`Could not stop the test containers: ${failed.join('; ')}`);
    },
  };
}

class TimedOut extends Error {}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
