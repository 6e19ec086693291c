import { leakedSecrets } from './secret-scan';

const KEY = `airan_0123456789ab_${'A'.repeat(43)}`;

describe('secret scan of a process output', () => {
  it('finds any API key, naming its public id and line, never its secret', () => {
    const findings = leakedSecrets(`{"msg":"started"}\n{"authorization":"Bearer ${KEY}"}`, {});
    expect(findings).toEqual(['line 2: an API key (id 0123456789ab)']);
    expect(findings.join()).not.toContain('AAAA');
  });

  it('finds the values of the secret variables it was given, by name', () => {
    const env = { KAFKA_SASL_PASSWORD: 'hunter22-long', ALERTING_OPS_TOKEN: 'tok-123456789', PAGERDUTY_ROUTING_KEY: 'rk-abcdefgh' };
    expect(leakedSecrets('x\nconnecting with hunter22-long\nrouting rk-abcdefgh', env)).toEqual(['line 2: the value of KAFKA_SASL_PASSWORD', 'line 3: the value of PAGERDUTY_ROUTING_KEY']);
  });

  it('ignores variables that are not secrets, key file paths and short values', () => {
    const env = { DATABASE_URL: 'postgres://x/db', HTTPS_KEY_FILE: '/tmp/key.pem', SOME_TOKEN: 'short', LOG_LEVEL: 'warn' };
    expect(leakedSecrets('postgres://x/db /tmp/key.pem short warn', env)).toEqual([]);
  });

  it('does not take a malformed key for one', () => {
    expect(leakedSecrets('Bearer airan_not-a-key and airan_0123456789ab_short', {})).toEqual([]);
  });
});
