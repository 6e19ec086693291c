import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, ResourcePatternTypes, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { shareTopicName } from '@airan/contracts';
import { principalOf } from '@airan/kafka';
import { deleteTopics } from './support/kafka-test-tools';
import { kcatLogin, kcatRead, kcatRun } from './support/kcat';
import { ServiceProcess } from './support/service-process';
import { createApiKey, isolate } from './support/stack';
import { testKafka } from './support/test-kafka';

interface IssuedCredential {
  id: string;
  username: string;
  password: string;
  bootstrapServers: string;
  topicPrefix: string;
  groupPrefix: string;
}

/**
 * Partner credentials on the broker's SASL listener with StandardAuthorizer (deploy/local/kafka.sh), issued
 * and revoked through the api, which connects as the internal principal like every service. Proved with kcat (librdkafka, not our client): ETRI reads its own topic and nothing
 * else, cannot write, and once its credential is revoked cannot even connect.
 */
describe('partner credentials: SCRAM principals and ACLs on the broker', () => {
  const isolation = isolate();
  const brokers = isolation.env.KAFKA_BROKERS;
  const etriTopic = `${isolation.topicPrefix}${shareTopicName('etri', 'cell-load')}`;
  const yonseiTopic = `${isolation.topicPrefix}${shareTopicName('yonsei', 'cell-load')}`;
  const internalTopic = `${isolation.topicPrefix}airan.cell-load.v1`;
  const events = Array.from({ length: 20 }, (_, i) => ({ key: `cell-${i % 4}`, value: JSON.stringify({ n: i }) }));
  const as = (credential: { username: string }, password: string) => kcatLogin(credential.username, password);
  const kafka = testKafka('airan-test-partner-access');
  let api: ServiceProcess;
  let admin: string;
  let etri: IssuedCredential;

  const call = (method: string, path: string, key: string) => fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
  const refusal = async (response: Response) => [response.status, ((await response.json()) as { error: { code: string } }).error.code];

  beforeAll(async () => {
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics({ waitForLeaders: true, topics: [etriTopic, yonseiTopic, internalTopic].map((topic) => ({ topic, numPartitions: 2 })) });
    await kafkaAdmin.disconnect();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    for (const topic of [etriTopic, yonseiTopic, internalTopic]) await producer.send({ topic, messages: events });
    await producer.disconnect();
    api = await ServiceProcess.start('api', isolation.env);
    admin = (await createApiKey(isolation, 'admin', 'root')).key;
    const issued = await call('POST', '/v1/partners/etri/kafka-credentials', admin);
    expect(issued.status).toBe(201);
    etri = (await issued.json()) as IssuedCredential;
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('issues a credential once, with what a client needs, and lists it without the password', async () => {
    expect(etri).toMatchObject({ username: `etri.${etri.id}`, bootstrapServers: brokers, topicPrefix: `${isolation.topicPrefix}airan.share.etri.`, groupPrefix: `${isolation.topicPrefix}etri.` });
    expect(etri.password.length).toBeGreaterThanOrEqual(32);
    const listed = (await (await call('GET', '/v1/partners/etri/kafka-credentials', admin)).json()) as { credentials: Array<Record<string, unknown>> };
    expect(listed.credentials).toEqual([expect.objectContaining({ id: etri.id, username: etri.username, revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(etri.password);
    expect(api.logs).not.toContain(etri.password);
  });

  it('reads exactly the events of its own topic', async () => {
    const read = await kcatRead(etriTopic, as(etri, etri.password), 'read_committed', brokers);
    const lines = (list: ReadonlyArray<{ key: string; value: string }>) => list.map((m) => `${m.key} ${m.value}`).sort();
    expect(lines(read)).toEqual(lines(events));
  });

  it("is refused on another partner's topic and on internal topics", async () => {
    for (const topic of [yonseiTopic, internalTopic]) {
      const outcome = await kcatRun(['-b', brokers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'], as(etri, etri.password));
      expect(outcome.code).not.toBe(0);
      expect(outcome.stderr).toContain(`Topic ${topic} error: Broker: Topic authorization failed`);
      expect(outcome.stdout).toBe('');
    }
  });

  it('cannot write, not even to its own topic', async () => {
    const outcome = await kcatRun(['-b', brokers, '-P', '-t', etriTopic, '-k', 'cell-0'], as(etri, etri.password), 'forged\n');
    expect(outcome.stderr).toMatch(/Topic authorization failed/);
    expect(await kcatRead(etriTopic, as(etri, etri.password), 'read_committed', brokers)).toHaveLength(events.length);
  });

  it('cannot connect with a wrong password', async () => {
    const outcome = await kcatRun(['-b', brokers, '-L', '-m', '5'], as(etri, 'not-the-password'));
    expect(outcome.stderr).toMatch(/Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/);
    expect(outcome.stdout).not.toContain(etriTopic);
  });

  it('answers each refusal with its code, and issues nothing on one', async () => {
    const yonseiKey = (await createApiKey(isolation, 'partner', 'yonsei')).key;
    const etriKey = (await createApiKey(isolation, 'partner', 'etri')).key;
    const opsKey = (await createApiKey(isolation, 'ops', 'noc')).key;
    const unknown = await call('POST', '/v1/partners/nobody/kafka-credentials', admin);
    expect(await refusal(unknown)).toEqual([404, 'PARTNER_NOT_FOUND']);
    const byOthers = await call('GET', '/v1/partners/etri/kafka-credentials', yonseiKey);
    expect(await refusal(byOthers)).toEqual([403, 'PARTNER_NOT_PERMITTED']);
    expect((await call('POST', '/v1/partners/etri/kafka-credentials', opsKey)).status).toBe(403);
    expect((await call('POST', '/v1/partners/etri/kafka-credentials', etriKey)).status).toBe(403);
    const own = (await (await call('GET', '/v1/partners/etri/kafka-credentials', etriKey)).json()) as { credentials: unknown[] };
    expect(own.credentials).toHaveLength(1);
    expect((await (await call('GET', '/v1/partners/nobody/kafka-credentials', admin)).json()) as object).toEqual({ credentials: [] });
  });

  it('once revoked, cannot connect, its ACLs are gone, and it is listed as revoked', async () => {
    expect((await call('DELETE', `/v1/partners/etri/kafka-credentials/${etri.id}`, admin)).status).toBe(204);
    const outcome = await kcatRun(['-b', brokers, '-L', '-m', '5'], as(etri, etri.password));
    expect(outcome.stderr).toMatch(/Authentication failed during authentication due to invalid credentials/);
    expect(outcome.stdout).not.toContain(etriTopic);
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    const acls = await kafkaAdmin.describeAcls({ resourceType: AclResourceTypes.ANY, resourcePatternType: ResourcePatternTypes.ANY, principal: principalOf(etri.username), host: '*', operation: AclOperationTypes.ANY, permissionType: AclPermissionTypes.ANY });
    await kafkaAdmin.disconnect();
    expect(acls.resources).toEqual([]);
    const listed = (await (await call('GET', '/v1/partners/etri/kafka-credentials', admin)).json()) as { credentials: Array<{ revokedAt: string | null }> };
    expect(listed.credentials).toEqual([expect.objectContaining({ id: etri.id, revokedAt: expect.any(String) })]);
    const again = await call('DELETE', `/v1/partners/etri/kafka-credentials/${etri.id}`, admin);
    expect(await refusal(again)).toEqual([404, 'CREDENTIAL_NOT_FOUND']);
  });
});

/**
 * On a broker without an authorizer (KAFKA_AUTH=none: a PLAINTEXT listener, here on a port of its own)
 * there are no ACLs to limit a partner: nothing is issued, and a credential issued before cannot be
 * taken back there, so its revocation is refused and left undone rather than recorded.
 */
describe('partner credentials: a broker that cannot limit them', () => {
  const port = 9192;
  const script = join(__dirname, '../deploy/local/kafka.sh');
  const broker = (command: string) => execFileSync('bash', [script, command], { env: { ...process.env, KAFKA_PORT: String(port), KAFKA_AUTH: 'none' }, stdio: 'inherit' });
  const isolation = isolate();
  let api: ServiceProcess;

  beforeAll(async () => {
    broker('start');
    api = await ServiceProcess.start('api', { ...isolation.env, KAFKA_BROKERS: `127.0.0.1:${port}`, KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: '' });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    // The api provisioned this run's topics on that broker, which keeps its data between runs. Whether
    // they could be deleted or not, the broker is stopped.
    await deleteTopics(isolation, new Kafka({ clientId: 'airan-test-cleanup', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING })).catch(() => undefined);
    broker('stop');
  });

  it('answers 503 BROKER_UNAVAILABLE and lists nothing', async () => {
    const admin = (await createApiKey(isolation, 'admin', 'root')).key;
    const headers = { authorization: `Bearer ${admin}` };
    const issued = await fetch(`${api.url}/v1/partners/etri/kafka-credentials`, { method: 'POST', headers });
    expect([issued.status, ((await issued.json()) as { error: { code: string } }).error.code]).toEqual([503, 'BROKER_UNAVAILABLE']);
    expect(await (await fetch(`${api.url}/v1/partners/etri/kafka-credentials`, { headers })).json()).toEqual({ credentials: [] });
  });

  it('refuses a revocation the broker does not take (503 BROKER_UNAVAILABLE) and keeps the credential in force', async () => {
    const admin = (await createApiKey(isolation, 'admin', 'root')).key;
    const headers = { authorization: `Bearer ${admin}` };
    // A credential issued while the listener had an authorizer: its row is all this broker knows of it.
    const db = new Client({ connectionString: isolation.databaseUrl });
    await db.connect();
    await db.query(`INSERT INTO api.partner_credentials (id, partner_id, username, created_by) VALUES ('00000000c0de', 'etri', 'etri.00000000c0de', 'root')`).finally(() => db.end());

    const revoked = await fetch(`${api.url}/v1/partners/etri/kafka-credentials/00000000c0de`, { method: 'DELETE', headers });
    expect([revoked.status, ((await revoked.json()) as { error: { code: string } }).error.code]).toEqual([503, 'BROKER_UNAVAILABLE']);
    expect(await (await fetch(`${api.url}/v1/partners/etri/kafka-credentials`, { headers })).json()).toEqual({
      credentials: [expect.objectContaining({ id: '00000000c0de', username: 'etri.00000000c0de', revokedAt: null, revokedBy: null })],
    });
  });
});
