import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Apache Kafka's own producer performance tool, from the same jars as the broker, with acks=all and
 * the given record size: the yardstick ingest's records/s are compared with.
 */
export async function kafkaProducerPerf(root: string, records: number, recordSize: number): Promise<{ recordsPerSec: number; line: string }> {
  const script = join(root, 'deploy/local/kafka.sh');
  const topic = `bench-perf-${randomBytes(4).toString('hex')}`;
  await run('bash', [script, 'topics', '--create', '--topic', topic, '--partitions', '6', '--replication-factor', '1']);
  try {
    const { stdout } = await run('bash', [script, 'perf-producer', '--topic', topic, '--num-records', String(records), '--record-size', String(recordSize), '--throughput', '-1', '--producer-props', 'bootstrap.servers=127.0.0.1:9092', 'acks=all'], { maxBuffer: 16 * 1024 * 1024 });
    const line = stdout.trim().split('\n').filter((l) => l.includes('records sent')).pop() ?? '';
    const recordsPerSec = Number(/([\d.]+) records\/sec/.exec(line)?.[1] ?? NaN);
    return { recordsPerSec, line };
  } finally {
    await run('bash', [script, 'topics', '--delete', '--topic', topic]).catch(() => undefined);
  }
}
