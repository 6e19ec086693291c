/**
 * Which Kafka broker and Postgres server the integration suite runs against.
 *
 *   containers  throwaway ones started with testcontainers (see test-infra.containers.ts)
 *   local       the project's own broker (deploy/local/kafka.sh) and the Postgres at TEST_POSTGRES_URL
 *
 * The choice is a pure function of the environment and of whether the default Docker socket exists, so
 * it is unit-tested without an engine (test-infra.spec.ts). This module loads no testcontainers code:
 * global-setup.ts imports it on every run, and the container code only when containers are chosen.
 */

/** The socket a local Docker engine listens on by default. */
export const DOCKER_SOCKET = '/var/run/docker.sock';

/** `1` forces containers, `0` forces the local broker and Postgres; unset or empty lets Docker detection decide. */
export const TESTCONTAINERS_SWITCH = 'AIRAN_TESTCONTAINERS';

/** Pinned images. Confluent Platform 8.1 ships Apache Kafka 4.1, the version deploy/local/kafka.sh runs. */
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:8.1.1';
/** PostgreSQL 15, the major version the local set-up and docker-compose.yml use. */
export const POSTGRES_IMAGE = 'postgres:15.10-alpine';

export type TestInfraMode = 'containers' | 'local';

export interface TestInfraSelection {
  readonly mode: TestInfraMode;
  /** Why, in words for a log line or an error: 'AIRAN_TESTCONTAINERS=1', 'DOCKER_HOST set', ... */
  readonly reason: string;
}

/**
 * Rules, first match wins:
 *   AIRAN_TESTCONTAINERS=1        containers
 *   AIRAN_TESTCONTAINERS=0        local
 *   DOCKER_HOST set (non-empty)   containers
 *   /var/run/docker.sock exists   containers
 *   otherwise                     local ('no Docker engine')
 * Any other value of AIRAN_TESTCONTAINERS is an error, so a typo never silently picks a path.
 */
export function selectTestInfra(
  env: Readonly<Record<string, string | undefined>>,
  fileExists: (path: string) => boolean,
): TestInfraSelection {
  const forced = (env[TESTCONTAINERS_SWITCH] ?? '').trim();
  if (forced === '1') return { mode: 'containers', reason: `${TESTCONTAINERS_SWITCH}=1` };
  if (forced === '0') return { mode: 'local', reason: `${TESTCONTAINERS_SWITCH}=0` };
  if (forced !== '') {
    throw new Error(
      `${TESTCONTAINERS_SWITCH} is "${env[TESTCONTAINERS_SWITCH]}": expected 1 (start Kafka and Postgres in containers), ` +
        '0 (use the local broker and Postgres) or unset (containers when a Docker engine is detected)',
    );
  }
  if ((env.DOCKER_HOST ?? '').trim() !== '') return { mode: 'containers', reason: 'DOCKER_HOST set' };
  if (fileExists(DOCKER_SOCKET)) return { mode: 'containers', reason: `${DOCKER_SOCKET} present` };
  return { mode: 'local', reason: 'no Docker engine' };
}

/** What the container path started: where to reach it, and how to stop it. */
export interface StartedTestInfra {
  /** For KAFKA_BROKERS: host:port[,host:port]. */
  readonly kafkaBrokers: string;
  /** For TEST_POSTGRES_URL: a superuser URL on the server's `postgres` database. */
  readonly postgresUrl: string;
  stop(): Promise<void>;
}

// globalSetup and globalTeardown run in the same Jest process but not in the same module registry:
// the handle goes through globalThis, under a registry-wide symbol.
const HANDLE = Symbol.for('airan.test-infra.started');
type HandleHolder = { [HANDLE]?: StartedTestInfra };

export function keepStartedInfra(infra: StartedTestInfra): void {
  (globalThis as HandleHolder)[HANDLE] = infra;
}

/** The infrastructure globalSetup started, if any, forgotten as it is handed out. */
export function takeStartedInfra(): StartedTestInfra | undefined {
  const holder = globalThis as HandleHolder;
  const infra = holder[HANDLE];
  delete holder[HANDLE];
  return infra;
}
