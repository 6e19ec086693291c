import { execFile } from 'node:child_process';

export interface KcatMessage {
  readonly key: string;
  readonly value: string;
}

/**
 * Every message of a topic as kcat (librdkafka, not our client) reads it from the beginning to the end,
 * `read_committed` unless told otherwise, with the given extra librdkafka settings (credentials).
 */
export function kcatRead(topic: string, settings: Record<string, string> = {}, isolation: 'read_committed' | 'read_uncommitted' = 'read_committed'): Promise<KcatMessage[]> {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const args = ['-b', brokers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\t%s\n', '-X', `isolation.level=${isolation}`, ...Object.entries(settings).flatMap(([k, v]) => ['-X', `${k}=${v}`])];
  return new Promise((resolve, reject) => {
    execFile('kcat', args, { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kcat ${topic}: ${stderr || error.message}`));
      else resolve(stdout.split('\n').filter(Boolean).map((line) => ({ key: line.slice(0, line.indexOf('\t')), value: line.slice(line.indexOf('\t') + 1) })));
    });
  });
}
