import { evictGroupMembers, kafkaCommittedOffsets } from './support/kafka-test-tools';
import { kcatLogin, kcatRead, kcatRun } from './support/kcat';
import { shareCaughtUp } from './support/share-caught-up';
import { ServiceProcess } from './support/service-process';
import { createApiKey, eventually, isolate } from './support/stack';
import { alertEvent, cellLoadEvent } from './support/stream-events';
import { TopicWriter } from './support/topic-writer';

/**
 * The share service against the real broker: each partner's granted, redacted view of the source topics on
 * topics of its own, read with kcat (librdkafka, `read_committed`); exactly once while share is killed with
 * SIGKILL again and again, as ETRI reads it with its own credential (the api's SCRAM principal, which its
 * ACLs keep off Yonsei's topics); a grant deleted stops the data within seconds.
 */
describe('share: partner topics', () => {
  const isolation = isolate();
  const env = { ...isolation.env, LOG_LEVEL: 'info' };
  let api: ServiceProcess;
  let share: ServiceProcess;
  let writer: TopicWriter;
  let admin: string;
  /** librdkafka settings of ETRI's own credential, issued by the api. */
  let asEtri: Record<string, string>;
  const topic = (partner: string, product: string) => `${isolation.topicPrefix}airan.share.${partner}.${product}.v1`;
  const putGrant = async (id: string, grant: object) => {
    const response = await fetch(`${api.url}/v1/registry/grant/${id}`, { method: 'PUT', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(grant) });
    expect(response.status).toBe(200);
  };
  const ids = async (partner: string, product: string, login?: Record<string, string>) =>
    (await kcatRead(topic(partner, product), login)).map((m) => (JSON.parse(m.value) as { id: string }).id);
  /** Resolves once share's group has committed every source partition to its end (everything written so far is shared). */
  const caughtUp = (source: 'cellLoad' | 'alerts') => shareCaughtUp(isolation, writer, source);

  beforeAll(async () => {
    writer = await TopicWriter.open(isolation);
    api = await ServiceProcess.start('api', env);
    admin = (await createApiKey(isolation, 'admin', 'root')).key;
    // Granted before share starts: its topics exist before the first event (etri, yonsei: the demo fleet's partners).
    await putGrant('etri-skt', { partnerId: 'etri', products: ['cell-load'], operatorIds: ['skt'], redact: ['tokens'], validFrom: '2026-01-01T00:00:00Z' });
    await putGrant('yonsei-kt', { partnerId: 'yonsei', products: ['alerts', 'cell-load'], siteIds: ['kt-daejeon-etri-01'], validFrom: '2026-01-01T00:00:00Z' });
    share = await ServiceProcess.start('share', env);
    const issued = await fetch(`${api.url}/v1/partners/etri/kafka-credentials`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
    expect(issued.status).toBe(201);
    const etri = (await issued.json()) as { username: string; password: string };
    asEtri = kcatLogin(etri.username, etri.password);
  });

  afterAll(async () => {
    await Promise.all([share?.stop(), api?.stop()]);
    await writer?.close();
  });

  it("writes each partner exactly the events its grants give, redacted field by field", async () => {
    const cells = [
      cellLoadEvent({ operatorId: 'skt', siteId: 'skt-seoul-gangnam-01', cellId: 'skt-seoul-gangnam-01-c1' }),
      cellLoadEvent({ operatorId: 'kt', siteId: 'kt-daejeon-etri-01', cellId: 'kt-daejeon-etri-01-c1' }),
      cellLoadEvent({ operatorId: 'kt', siteId: 'kt-seoul-gwanghwamun-01', cellId: 'kt-seoul-gwanghwamun-01-c1' }),
    ].map((e) => ({ ...e, sourceTraceIds: ['0af7651916cd43dd8448eb211c80319c'] }));
    const alerts = [alertEvent({ operator: 'kt', site: 'kt-daejeon-etri-01', cell: 'kt-daejeon-etri-01-c1', severity: 'critical' }), alertEvent({ operator: 'skt', site: 'skt-seoul-gangnam-01', cell: 'c', severity: 'critical' })];
    await writer.send('cellLoad', cells, (e) => (e as { cellId: string }).cellId);
    await writer.send('alerts', alerts, (e) => (e as { fingerprint: string }).fingerprint);
    await Promise.all([caughtUp('cellLoad'), caughtUp('alerts')]);

    const { tokens: _t, sourceTraceIds: _s, ...etriView } = cells[0];
    expect((await kcatRead(topic('etri', 'cell-load'))).map((m) => [m.key, JSON.parse(m.value)])).toEqual([[cells[0].cellId, etriView]]);
    expect(await ids('etri', 'cell-load', asEtri)).toEqual([cells[0].id]);
    const refused = await kcatRun(['-b', isolation.env.KAFKA_BROKERS, '-C', '-t', topic('yonsei', 'cell-load'), '-o', 'beginning', '-e', '-q'], asEtri);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`Topic ${topic('yonsei', 'cell-load')} error: Broker: Topic authorization failed`);
    const { sourceTraceIds: _y, ...yonseiView } = cells[1];
    expect((await kcatRead(topic('yonsei', 'cell-load'))).map((m) => JSON.parse(m.value))).toEqual([yonseiView]);
    const { trace: _a, ...alertView } = alerts[0];
    expect((await kcatRead(topic('yonsei', 'alerts'))).map((m) => [m.key, JSON.parse(m.value)])).toEqual([[alerts[0].fingerprint, alertView]]);
  });

  it('leaves every event on the partner topic exactly once, as ETRI reads it with its own credential, while share is killed with SIGKILL again and again', async () => {
    const before = new Set(await ids('etri', 'cell-load', asEtri));
    const committedSum = async () => [...(await kafkaCommittedOffsets(`${isolation.topicPrefix}airan-share`, `${isolation.topicPrefix}airan.cell-load.v1`)).values()].reduce((a, b) => a + (b > 0n ? b : 0n), 0n);
    const baseline = await committedSum();
    const events = Array.from({ length: 3000 }, (_, i) => cellLoadEvent({ operatorId: i % 3 === 0 ? 'kt' : 'skt', siteId: 'skt-pangyo-01', cellId: `skt-pangyo-01-c${(i % 3) + 1}` }));
    for (let kill = 0; kill < 5; kill++) {
      const chunk = events.slice(kill * 600, (kill + 1) * 600);
      await writer.send('cellLoad', chunk, (e) => (e as { cellId: string }).cellId);
      // Kill it once it has started on this chunk (its committed offsets move), mid-flow.
      await eventually(async () => {
        if ((await committedSum()) <= baseline + BigInt(kill * 600)) throw new Error('share has not started on the chunk yet');
      }, 60_000);
      await share.kill();
      // A killed member never leaves its group: evicted, its replacement does not sit out the session timeout.
      await evictGroupMembers(`${isolation.topicPrefix}airan-share`);
      share = await ServiceProcess.start('share', env);
    }
    await caughtUp('cellLoad');
    const expected = events.filter((e) => e.operatorId === 'skt').map((e) => e.id);
    const shared = (await ids('etri', 'cell-load', asEtri)).filter((id) => !before.has(id));
    expect(shared.length).toBe(expected.length);
    expect(new Set(shared).size).toBe(shared.length);
    expect([...shared].sort()).toEqual([...expected].sort());
  }, 240_000);

  it('stops sharing once the grant is deleted: from the first event withheld on, none is shared', async () => {
    const deleted = await fetch(`${api.url}/v1/registry/grant/yonsei-kt`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(deleted.status).toBe(204);
    // Probes until one is withheld: share has applied the deletion (it reads the registry topic as the api relays it).
    await eventually(async () => {
      const probe = alertEvent({ operator: 'kt', site: 'kt-daejeon-etri-01', cell: 'kt-daejeon-etri-01-c1', severity: 'warning' });
      await writer.send('alerts', [probe], () => probe.fingerprint);
      await caughtUp('alerts');
      if ((await ids('yonsei', 'alerts')).includes(probe.id)) throw new Error('still shared');
    }, 30_000);
    const later = Array.from({ length: 5 }, () => alertEvent({ operator: 'kt', site: 'kt-daejeon-etri-01', cell: 'kt-daejeon-etri-01-c1', severity: 'warning' }));
    await writer.send('alerts', later, (e) => (e as { fingerprint: string }).fingerprint);
    await caughtUp('alerts');
    const shared = new Set(await ids('yonsei', 'alerts'));
    expect(later.filter((e) => shared.has(e.id))).toEqual([]);
  });
});
