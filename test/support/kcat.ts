import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { internalSasl } from './test-kafka';

export interface KcatMessage {
  readonly key: string;
  readonly value: string;
}

export interface KcatOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** kcat through deploy/local/kcat.sh: Debian's kcat on a librdkafka that speaks SCRAM to Kafka 4. */
const KCAT = join(__dirname, '../../deploy/local/kcat.sh');

const settingsArgs = (settings: Record<string, string>) => Object.entries(settings).flatMap(([k, v]) => ['-X', `${k}=${v}`]);

/** librdkafka settings that log in on the SASL listener: a partner's credential (SCRAM-SHA-512 unless told) or the internal principal. */
export function kcatLogin(username: string, password: string, mechanism = 'SCRAM-SHA-512'): Record<string, string> {
  return { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanisms': mechanism.toUpperCase(), 'sasl.username': username, 'sasl.password': password };
}

/** The internal principal (KAFKA_SASL_*, as global-setup sets them), which a read uses unless given other credentials. */
function internalPrincipal(): Record<string, string> {
  const sasl = internalSasl();
  return sasl ? kcatLogin(sasl.username, sasl.password, sasl.mechanism) : {};
}

/** Runs kcat with the given arguments and librdkafka settings; resolves with its exit code and output, whatever they are. */
export function kcatRun(args: readonly string[], settings: Record<string, string> = {}, input?: string): Promise<KcatOutcome> {
  return new Promise((resolve) => {
    const child = execFile('bash', [KCAT, ...args, ...settingsArgs(settings)], { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

/**
 * Every message of a topic as kcat (librdkafka, not our client) reads it from the beginning to the end,
 * `read_committed` unless told otherwise, as the internal principal unless given other librdkafka settings (credentials).
 */
export async function kcatRead(topic: string, settings: Record<string, string> = internalPrincipal(), isolation: 'read_committed' | 'read_uncommitted' = 'read_committed', brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'): Promise<KcatMessage[]> {
  const { code, stdout, stderr } = await kcatRun(['-b', brokers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\t%s\n', '-X', `isolation.level=${isolation}`], settings);
  if (code !== 0) throw new Error(`kcat ${topic}: ${stderr}`);
  return stdout.split('\n').filter(Boolean).map((line) => ({ key: line.slice(0, line.indexOf('\t')), value: line.slice(line.indexOf('\t') + 1) }));
}
