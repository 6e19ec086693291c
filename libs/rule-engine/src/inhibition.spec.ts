import { DEFAULT_INHIBIT_RULES, inhibitedBy } from './inhibition';
import { parseMatcher } from './matchers';
import type { InhibitRule } from './rule.model';

const siteSilent = (site: string) => ({ fingerprint: `silent-${site}`, labels: { alertname: 'SiteSilent', site } });
const cellAlert = { fingerprint: 'load-c1', labels: { alertname: 'InferenceLoadHigh', site: 's1', cell: 'c1' } };

describe('inhibitedBy with the default rules', () => {
  it('mutes every other alert of a silent site', () => {
    expect(inhibitedBy(cellAlert, [siteSilent('s2'), siteSilent('s1')], DEFAULT_INHIBIT_RULES)).toBe('silent-s1');
  });

  it('does not mute alerts of other sites', () => {
    expect(inhibitedBy(cellAlert, [siteSilent('s2')], DEFAULT_INHIBIT_RULES)).toBeNull();
  });

  it('does not let SiteSilent inhibit itself, nor another site silence', () => {
    expect(inhibitedBy(siteSilent('s1'), [siteSilent('s1')], DEFAULT_INHIBIT_RULES)).toBeNull();
    const duplicate = { fingerprint: 'other', labels: { alertname: 'SiteSilent', site: 's1' } };
    expect(inhibitedBy(duplicate, [siteSilent('s1')], DEFAULT_INHIBIT_RULES)).toBeNull();
  });

  it('needs a firing source', () => {
    expect(inhibitedBy(cellAlert, [], DEFAULT_INHIBIT_RULES)).toBeNull();
  });
});

describe('inhibitedBy', () => {
  // A critical alert mutes warnings that share its `cluster`.
  const rules: InhibitRule[] = [{ sourceMatchers: [parseMatcher('severity="critical"')], targetMatchers: [parseMatcher('severity="warning"')], equal: ['cluster'] }];
  const critical = (fingerprint: string, labels: Record<string, string>) => ({ fingerprint, labels: { severity: 'critical', ...labels } });
  const warning = (labels: Record<string, string>) => ({ fingerprint: 'w', labels: { severity: 'warning', ...labels } });

  it('treats an equal label absent on both sides as equal, as Alertmanager', () => {
    expect(inhibitedBy(warning({}), [critical('c', {})], rules)).toBe('c');
  });

  it('does not match an equal label present on one side only', () => {
    expect(inhibitedBy(warning({ cluster: 'a' }), [critical('c', {})], rules)).toBeNull();
    expect(inhibitedBy(warning({}), [critical('c', { cluster: 'a' })], rules)).toBeNull();
  });

  it('needs the target matchers to match the target and the source matchers the source', () => {
    expect(inhibitedBy({ fingerprint: 'i', labels: { severity: 'info' } }, [critical('c', {})], rules)).toBeNull();
    expect(inhibitedBy(warning({}), [{ fingerprint: 'w2', labels: { severity: 'warning' } }], rules)).toBeNull();
  });

  it('never lets an alert inhibit itself, even if it matches both sides', () => {
    const both: InhibitRule[] = [{ sourceMatchers: [], targetMatchers: [], equal: [] }];
    const alert = { fingerprint: 'a', labels: {} };
    expect(inhibitedBy(alert, [alert], both)).toBeNull();
    expect(inhibitedBy(alert, [alert, { fingerprint: 'b', labels: {} }], both)).toBe('b');
  });
});
