import { FLEET } from '@airan/demo-fleet';
import { kafkaCommittedOffsets } from '../support/kafka-test-tools';
import { peakRssMbOf } from '../support/process-stats';
import { ServiceProcess } from '../support/service-process';
import { createApiKey, dropDatabase, isolate } from '../support/stack';
import { cellLoadEvent } from '../support/stream-events';
import { TopicWriter } from '../support/topic-writer';
import { CLK_TCK, cpuTicksOf } from './proc-usage';

export interface ShareBenchResult {
  readonly events: number;
  readonly partners: number;
  /** Copies written to partner topics. */
  readonly copies: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
  readonly cpuSecondsPerMillion: number;
  readonly peakRssMb: number;
}

const PARTNERS = ['etri', 'yonsei', 'kaist'];

/**
 * Share (docs/performance.md "Share"): `events` cell-load events of the demo fleet are written to the source
 * topic first, then share starts with three partners granted (one every operator, one two operators'
 * pilots, one a handful of sites) and drains them, with Kafka transactions, to the partner topics: events/s
 * from its spawn to its group's offsets at the end, and share's CPU seconds per million events.
 */
export async function benchShare(events: number, progress: (done: number) => void): Promise<ShareBenchResult> {
  const isolation = isolate();
  const env = { ...isolation.env, LOG_LEVEL: 'error' };
  const writer = await TopicWriter.open(isolation);
  const api = await ServiceProcess.start('api', env);
  let share: ServiceProcess | undefined;
  try {
    const { key } = await createApiKey(isolation, 'admin', 'bench');
    const put = async (path: string, body: object) => {
      const response = await fetch(`${api.url}${path}`, { method: 'PUT', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    };
    await put('/v1/registry/partner/kaist', { name: 'KAIST' });
    const validFrom = '2026-01-01T00:00:00Z';
    await put('/v1/registry/grant/etri-all', { partnerId: 'etri', products: ['cell-load'], operatorIds: FLEET.map((o) => o.id), redact: ['tokens'], validFrom });
    await put('/v1/registry/grant/yonsei-pilots', { partnerId: 'yonsei', products: ['cell-load'], pilotIds: FLEET.slice(0, 2).map((o) => `${o.id}-ai-ran-2026`), validFrom });
    await put('/v1/registry/grant/kaist-sites', { partnerId: 'kaist', products: ['cell-load'], siteIds: FLEET.map((o) => o.sites[0].id), validFrom });

    const cells = FLEET.flatMap((o) => o.sites.flatMap((s) => [1, 2, 3].map((c) => ({ operatorId: o.id, siteId: s.id, cellId: `${s.id}-c${c}`, pilotId: `${o.id}-ai-ran-2026` }))));
    for (let i = 0; i < events; i += 5000) {
      const chunk = Array.from({ length: Math.min(5000, events - i) }, (_, j) => cellLoadEvent(cells[(i + j) % cells.length]));
      await writer.send('cellLoad', chunk, (e) => (e as { cellId: string }).cellId);
      progress((0.5 * (i + chunk.length)) / events);
    }
    const ends = await writer.ends('cellLoad');
    const total = [...ends.values()].reduce((a, b) => a + b, 0);

    const started = performance.now();
    share = await ServiceProcess.start('share', env);
    const group = `${isolation.topicPrefix}airan-share`;
    for (;;) {
      const committed = [...(await kafkaCommittedOffsets(group, `${isolation.topicPrefix}airan.cell-load.v1`)).values()].reduce((a, b) => a + (b > 0n ? Number(b) : 0), 0);
      progress(0.5 + (0.5 * committed) / total);
      if (committed >= total) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = (cpuTicksOf(share.pid) ?? NaN) / CLK_TCK;
    const peakRssMb = peakRssMbOf(share.pid) ?? NaN;
    let copies = 0;
    for (const partner of PARTNERS) {
      // Each committed transaction adds one control record per partition it wrote: an upper bound on the copies.
      copies += [...(await writer.endsOf(`${isolation.topicPrefix}airan.share.${partner}.cell-load.v1`)).values()].reduce((a, b) => a + b, 0);
    }
    return { events: total, partners: PARTNERS.length, copies, seconds, eventsPerSec: total / seconds, cpuSecondsPerMillion: (cpuSeconds / total) * 1e6, peakRssMb };
  } finally {
    await share?.stop();
    await api.stop();
    await writer.close();
    await dropDatabase(isolation);
  }
}

export function shareTable(r: ShareBenchResult): string {
  return [
    `Share: ${r.events.toLocaleString('en')} cell-load events already on the source topic, drained by share (Kafka transactions) to ${r.partners} partners' topics, timed from its spawn to its group's offsets at the end`,
    '',
    '| events | partner-topic offsets (copies + transaction markers) | seconds | events/s | share CPU s per million events | share peak RSS MB |',
    '|---|---|---|---|---|---|',
    `| ${r.events.toLocaleString('en')} | ${r.copies.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${Math.round(r.eventsPerSec).toLocaleString('en')} | ${r.cpuSecondsPerMillion.toFixed(1)} | ${r.peakRssMb.toFixed(0)} |`,
  ].join('\n');
}
