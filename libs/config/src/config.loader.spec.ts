import { z } from 'zod';
import { kafkaEnv, kafkaSaslOf } from './config.env';
import { ConfigError, loadConfig } from './config.loader';

// An app-like schema: shared Kafka variables (all defaulted) plus one variable without a default.
const schema = z.object({
  ...kafkaEnv,
  REQUIRED_TOKEN: z.string().min(1),
  SOME_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
});

function problemsOf(env: NodeJS.ProcessEnv, against: z.ZodTypeAny = schema): readonly string[] {
  try {
    loadConfig(against, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('returns the parsed values, with defaults for what is unset', () => {
    expect(loadConfig(schema, { REQUIRED_TOKEN: 't', KAFKA_BROKERS: 'a:1, b:2', SOME_TIMEOUT_MS: '250' })).toEqual({
      REQUIRED_TOKEN: 't',
      KAFKA_BROKERS: ['a:1', 'b:2'],
      KAFKA_TOPIC_PREFIX: '',
      KAFKA_REPLICATION_FACTOR: 1,
      KAFKA_CONNECT_TIMEOUT_MS: 5000,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      SOME_TIMEOUT_MS: 250,
    });
  });

  it('names a required variable that is missing', () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/^REQUIRED_TOKEN is missing: /)]);
  });

  it('names a malformed variable and shows the value it was given', () => {
    expect(problemsOf({ REQUIRED_TOKEN: 't', SOME_TIMEOUT_MS: 'soon' })).toEqual([expect.stringMatching(/^SOME_TIMEOUT_MS is "soon": /)]);
    expect(problemsOf({ REQUIRED_TOKEN: 't', KAFKA_BROKERS: 'not a broker' })).toEqual([
      'KAFKA_BROKERS is "not a broker": expected a comma-separated host:port list',
    ]);
  });

  it('reports every problem at once, in a message that lists each variable', () => {
    let caught: unknown;
    try {
      loadConfig(schema, { SOME_TIMEOUT_MS: '5' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const { problems, message } = caught as ConfigError;
    expect(problems).toHaveLength(2);
    expect(message).toMatch(/^Invalid configuration:\n {2}- REQUIRED_TOKEN is missing: .*\n {2}- SOME_TIMEOUT_MS is "5": /);
  });

  it('never shows a secret: tokens and keys are described, a URL password masked', () => {
    const secrets = z.object({ ALERTING_OPS_TOKEN: z.string().regex(/^airan_/), SIM_KEYS: z.string().regex(/=/), DATABASE_URL: z.string().regex(/^postgres:\/\/[^@]*@db\//) });
    const problems = problemsOf({ ALERTING_OPS_TOKEN: 'hunter2-token', SIM_KEYS: 'airan_abc', DATABASE_URL: 'postgres://app:s3cret@elsewhere/airan' }, secrets);
    expect(problems).toEqual([
      expect.stringMatching(/^ALERTING_OPS_TOKEN is set \(13 characters, not shown\): /),
      expect.stringMatching(/^SIM_KEYS is set \(9 characters, not shown\): /),
      expect.stringMatching(/^DATABASE_URL is "postgres:\/\/app:\*\*\*@elsewhere\/airan": /),
    ]);
    expect(problems.join('\n')).not.toMatch(/hunter2|airan_abc|s3cret/);
  });

  describe('kafkaSaslOf', () => {
    it('gives no SASL without a user, the principal with both, and names the one missing', () => {
      expect(kafkaSaslOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toBeUndefined();
      expect(kafkaSaslOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'airan', KAFKA_SASL_PASSWORD: 'pw' })).toEqual({ mechanism: 'scram-sha-512', username: 'airan', password: 'pw' });
      expect(() => kafkaSaslOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'airan' })).toThrow(/KAFKA_SASL_PASSWORD is missing/);
      expect(() => kafkaSaslOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'pw' })).toThrow(/KAFKA_SASL_USERNAME is missing/);
    });
  });
});
