import type { AlertEvent } from '../api/types';
import { checkDraft } from './silence-draft';

const alert = (fingerprint: string, status: AlertEvent['status'], labels: Record<string, string>) => ({ fingerprint, status, labels }) as AlertEvent;
const alerts = [
  alert('1', 'firing', { alertname: 'HighLoad', site: 'kt-seoul-1' }),
  alert('2', 'pending', { alertname: 'HighLoad', site: 'kt-busan-1' }),
  alert('3', 'resolved', { alertname: 'HighLoad', site: 'kt-seoul-2' }),
  alert('4', 'firing', { alertname: 'SiteDown', site: 'kt-seoul-1' }),
];

describe('silence draft', () => {
  it('previews the active alerts its matchers pick, with the rule engine’s matching', () => {
    expect(checkDraft('alertname="HighLoad"\n site=~"kt-seoul-.*"', alerts).matched.map((a) => a.fingerprint)).toEqual(['1']);
    expect(checkDraft('alertname!="SiteDown"', alerts).matched.map((a) => a.fingerprint)).toEqual(['1', '2']);
  });

  it('names each bad matcher by its place, and previews nothing then', () => {
    const check = checkDraft('alertname="HighLoad"\nsite~kt', alerts);
    expect(check.errors.map((e) => e.path)).toEqual(['matchers[1]']);
    expect(check.matched).toEqual([]);
    expect(checkDraft('  \n', alerts).errors).toEqual([{ path: 'matchers', message: 'at least one matcher' }]);
  });
});
