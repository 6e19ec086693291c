import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { type ContainerDriver, startTestContainers } from './test-infra.containers';
import { DOCKER_SOCKET, KAFKA_IMAGE, POSTGRES_IMAGE, keepStartedInfra, selectTestInfra, takeStartedInfra } from './test-infra';

describe('selectTestInfra', () => {
  const socketAt = (present: string[]) => jest.fn((path: string) => present.includes(path));
  const noSocket = () => socketAt([]);

  it('takes the local path when no Docker engine is detected', () => {
    expect(selectTestInfra({}, noSocket())).toEqual({ mode: 'local', reason: 'no Docker engine' });
  });

  it('takes containers when the default Docker socket exists', () => {
    const fileExists = socketAt([DOCKER_SOCKET]);
    expect(selectTestInfra({}, fileExists)).toEqual({ mode: 'containers', reason: '/var/run/docker.sock present' });
    expect(fileExists).toHaveBeenCalledWith('/var/run/docker.sock');
  });

  it('takes containers when DOCKER_HOST is set, without looking for the socket', () => {
    const fileExists = noSocket();
    expect(selectTestInfra({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }, fileExists)).toEqual({ mode: 'containers', reason: 'DOCKER_HOST set' });
    expect(fileExists).not.toHaveBeenCalled();
  });

  it('ignores an empty DOCKER_HOST', () => {
    expect(selectTestInfra({ DOCKER_HOST: '' }, noSocket())).toEqual({ mode: 'local', reason: 'no Docker engine' });
    expect(selectTestInfra({ DOCKER_HOST: '  ' }, socketAt([DOCKER_SOCKET])).reason).toBe('/var/run/docker.sock present');
  });

  it('takes containers with AIRAN_TESTCONTAINERS=1 even with no engine in sight', () => {
    const fileExists = noSocket();
    expect(selectTestInfra({ AIRAN_TESTCONTAINERS: '1' }, fileExists)).toEqual({ mode: 'containers', reason: 'AIRAN_TESTCONTAINERS=1' });
    expect(fileExists).not.toHaveBeenCalled();
  });

  it('takes the local path with AIRAN_TESTCONTAINERS=0 even when an engine is detected', () => {
    const fileExists = socketAt([DOCKER_SOCKET]);
    expect(selectTestInfra({ AIRAN_TESTCONTAINERS: '0', DOCKER_HOST: 'unix:///var/run/docker.sock' }, fileExists)).toEqual({
      mode: 'local',
      reason: 'AIRAN_TESTCONTAINERS=0',
    });
    expect(fileExists).not.toHaveBeenCalled();
  });

  it('treats an empty AIRAN_TESTCONTAINERS as unset', () => {
    expect(selectTestInfra({ AIRAN_TESTCONTAINERS: '' }, socketAt([DOCKER_SOCKET])).mode).toBe('containers');
    expect(selectTestInfra({ AIRAN_TESTCONTAINERS: '' }, noSocket()).mode).toBe('local');
  });

  it.each(['yes', 'true', '2', 'off'])('rejects AIRAN_TESTCONTAINERS=%s naming the variable and its values', (value) => {
    expect(() => selectTestInfra({ AIRAN_TESTCONTAINERS: value }, noSocket())).toThrow(
      `AIRAN_TESTCONTAINERS is "${value}": expected 1 (start Kafka and Postgres in containers), 0 (use the local broker and Postgres)`,
    );
  });
});

describe('the started-infrastructure handle', () => {
  it('is handed out once, then forgotten', () => {
    const infra = { kafkaBrokers: 'k:1', postgresUrl: 'postgres://p@h:2/postgres', stop: async () => undefined };
    keepStartedInfra(infra);
    expect(takeStartedInfra()).toBe(infra);
    expect(takeStartedInfra()).toBeUndefined();
  });
});

describe('startTestContainers', () => {
  const running = <T extends object>(extra: T) => ({ ...extra, stop: jest.fn(async () => undefined) });
  const fakeDriver = (overrides: Partial<ContainerDriver> = {}): jest.Mocked<ContainerDriver> => ({
    connectEngine: jest.fn(async () => undefined),
    startKafka: jest.fn(async () => running({ brokers: 'localhost:49153' })),
    startPostgres: jest.fn(async () => running({ url: 'postgres://postgres:postgres@localhost:49154/postgres' })),
    ...overrides,
  }) as jest.Mocked<ContainerDriver>;

  it('starts the pinned Kafka and Postgres images and reports where they listen', async () => {
    const driver = fakeDriver();
    const infra = await startTestContainers({ reason: 'DOCKER_HOST set', driver });
    expect(driver.startKafka).toHaveBeenCalledWith(KAFKA_IMAGE);
    expect(driver.startPostgres).toHaveBeenCalledWith(POSTGRES_IMAGE);
    expect(infra.kafkaBrokers).toBe('localhost:49153');
    expect(infra.postgresUrl).toBe('postgres://postgres:postgres@localhost:49154/postgres');
  });

  it('pins images by tag', () => {
    expect(KAFKA_IMAGE).toMatch(/^confluentinc\/cp-kafka:\d+\.\d+\.\d+$/);
    expect(POSTGRES_IMAGE).toMatch(/^postgres:\d+\.\d+(-alpine)?$/);
  });

  it('stops both containers on stop()', async () => {
    const driver = fakeDriver();
    const infra = await startTestContainers({ reason: 'AIRAN_TESTCONTAINERS=1', driver });
    const [kafka, postgres] = await Promise.all([driver.startKafka.mock.results[0].value, driver.startPostgres.mock.results[0].value]);
    await infra.stop();
    expect(kafka.stop).toHaveBeenCalledTimes(1);
    expect(postgres.stop).toHaveBeenCalledTimes(1);
  });

  it('says no Docker engine is reachable, why containers were chosen and how to opt out', async () => {
    const driver = fakeDriver({ connectEngine: jest.fn(async () => Promise.reject(new Error('Could not find a working container runtime strategy'))) });
    const started = startTestContainers({ reason: 'AIRAN_TESTCONTAINERS=1', env: {}, driver });
    await expect(started).rejects.toThrow(
      'No Docker engine reachable (DOCKER_HOST=(unset)): Could not find a working container runtime strategy. ' +
        'Containers were chosen because AIRAN_TESTCONTAINERS=1. Start a Docker engine (or point DOCKER_HOST at one), ' +
        'or run against the local broker and Postgres with AIRAN_TESTCONTAINERS=0.',
    );
    expect(driver.startKafka).not.toHaveBeenCalled();
    expect(driver.startPostgres).not.toHaveBeenCalled();
  });

  it('gives up on an engine that never answers instead of hanging', async () => {
    const driver = fakeDriver({ connectEngine: jest.fn(() => new Promise<never>(() => undefined)) });
    const started = startTestContainers({ reason: 'DOCKER_HOST set', env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, driver, engineTimeoutMs: 50 });
    await expect(started).rejects.toThrow('No Docker engine answered within 0.05 s (DOCKER_HOST=tcp://127.0.0.1:2375). Containers were chosen because DOCKER_HOST set.');
  });

  it('names the container that failed and stops the one that started', async () => {
    const postgres = running({ url: 'postgres://postgres:postgres@localhost:49154/postgres' });
    const driver = fakeDriver({
      startKafka: jest.fn(async () => Promise.reject(new Error('pull access denied'))),
      startPostgres: jest.fn(async () => postgres),
    });
    await expect(startTestContainers({ reason: '/var/run/docker.sock present', driver })).rejects.toThrow(
      `Could not start the test containers: Kafka (${KAFKA_IMAGE}): pull access denied. Containers were chosen because /var/run/docker.sock present.`,
    );
    expect(postgres.stop).toHaveBeenCalledTimes(1);
  });

  it('reports a container that would not stop', async () => {
    const kafka = running({ brokers: 'localhost:49153' });
    kafka.stop.mockRejectedValueOnce(new Error('container is gone'));
    const infra = await startTestContainers({ reason: 'DOCKER_HOST set', driver: fakeDriver({ startKafka: jest.fn(async () => kafka) }) });
    await expect(infra.stop()).rejects.toThrow('Could not stop the test containers: Kafka: container is gone');
  });
});

/**
 * The real testcontainers client, driven the way the container path drives it, with no engine to be had.
 * Each test points DOCKER_HOST at something on this machine that is not an engine; testcontainers reads
 * its configuration once per module instance, so each test loads its own copy.
 */
describe('the container path against real testcontainers, without an engine', () => {
  const saved = process.env.DOCKER_HOST;
  /** The real driver from a fresh copy of testcontainers, which then reads DOCKER_HOST anew. */
  const freshDriver = (): ContainerDriver => {
    let driver: ContainerDriver | undefined;
    jest.isolateModules(() => {
      driver = (require('./test-infra.containers') as typeof import('./test-infra.containers')).testcontainersDriver;
    });
    return driver!;
  };
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('times out on an address that accepts connections but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    process.env.DOCKER_HOST = `tcp://127.0.0.1:${port}`;
    try {
      const started = startTestContainers({ reason: 'DOCKER_HOST set', driver: freshDriver(), engineTimeoutMs: 1000 });
      await expect(started).rejects.toThrow(`No Docker engine answered within 1 s (DOCKER_HOST=tcp://127.0.0.1:${port}).`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  // testcontainers falls back to the default socket after DOCKER_HOST: only meaningful where there is none.
  (existsSync(DOCKER_SOCKET) ? it.skip : it)('fails fast, naming the problem, when nothing listens', async () => {
    process.env.DOCKER_HOST = 'unix:///nonexistent/airan-test/docker.sock';
    const t0 = Date.now();
    const started = startTestContainers({ reason: 'AIRAN_TESTCONTAINERS=1', driver: freshDriver(), engineTimeoutMs: 20_000 });
    await expect(started).rejects.toThrow(
      /^No Docker engine reachable \(DOCKER_HOST=unix:\/\/\/nonexistent\/airan-test\/docker\.sock\): .+\. Containers were chosen because AIRAN_TESTCONTAINERS=1\./,
    );
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  (existsSync(DOCKER_SOCKET) ? it.skip : it)('makes the integration globalSetup fail with that message under AIRAN_TESTCONTAINERS=1', async () => {
    const before = { ...process.env };
    process.env.AIRAN_TESTCONTAINERS = '1';
    process.env.DOCKER_HOST = 'unix:///nonexistent/airan-test/docker.sock';
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      let globalSetup: (() => Promise<void>) | undefined;
      jest.isolateModules(() => {
        globalSetup = (require('./global-setup') as typeof import('./global-setup')).default;
      });
      await expect(globalSetup!()).rejects.toThrow(/^No Docker engine reachable .*Containers were chosen because AIRAN_TESTCONTAINERS=1\..*AIRAN_TESTCONTAINERS=0\.$/);
      expect(stderr).toHaveBeenCalledWith('[test-infra] Kafka and Postgres: containers (AIRAN_TESTCONTAINERS=1)\n');
      // Nothing was started, so the suite's addresses are left as they were.
      expect(process.env.KAFKA_BROKERS).toBe(before.KAFKA_BROKERS);
      expect(process.env.TEST_POSTGRES_URL).toBe(before.TEST_POSTGRES_URL);
      expect(takeStartedInfra()).toBeUndefined();
    } finally {
      stderr.mockRestore();
      if (before.AIRAN_TESTCONTAINERS === undefined) delete process.env.AIRAN_TESTCONTAINERS;
      else process.env.AIRAN_TESTCONTAINERS = before.AIRAN_TESTCONTAINERS;
    }
  });
});
