import type { AlertEvent } from '../api/types';
import { AlertBoard, boardRowKey, boardRows, groupAlerts, matchesFilter } from './alert-board.model';

const alert = (fingerprint: string, status: AlertEvent['status'], labels: Record<string, string>, evaluatedAt = '2026-12-05T00:00:00Z', extra: Partial<AlertEvent> = {}) =>
  ({ fingerprint, status, labels, annotations: {}, evaluatedAt, acknowledgement: null, assignee: null, ...extra }) as AlertEvent;

describe('alert board', () => {
  it('lets stream events win over an older snapshot, and fills only what the stream has not named', () => {
    const board = new AlertBoard();
    board.applyEvent(alert('a', 'resolved', {}));
    board.applySnapshot([alert('a', 'firing', {}), alert('b', 'pending', {})]);
    expect(board.get('a')?.status).toBe('resolved');
    expect(board.get('b')?.status).toBe('pending');
    board.applyEvent(alert('b', 'firing', {}));
    expect(board.get('b')?.status).toBe('firing');
  });

  it('groups by the group-by labels, worst group first, and counts statuses', () => {
    const groups = groupAlerts(
      [
        alert('1', 'pending', { alertname: 'HighLoad', operator: 'kt' }),
        alert('2', 'firing', { alertname: 'HighLoad', operator: 'kt' }, '2026-12-05T00:01:00Z'),
        alert('3', 'pending', { alertname: 'SiteDown', operator: 'skt' }),
        alert('4', 'firing', { alertname: 'HighLoad', operator: 'skt' }),
      ],
      ['alertname', 'operator'],
    );
    expect(groups.map((g) => [g.labels, g.alerts.map((a) => a.fingerprint), g.counts.firing, g.counts.pending])).toEqual([
      [{ alertname: 'HighLoad', operator: 'kt' }, ['2', '1'], 1, 1],
      [{ alertname: 'HighLoad', operator: 'skt' }, ['4'], 1, 0],
      [{ alertname: 'SiteDown', operator: 'skt' }, ['3'], 0, 1],
    ]);
    const rows = boardRows(groups, new Set([groups[0].key]));
    expect(rows.map((r) => (r.kind === 'group' ? `g:${r.group.alerts.length}:${r.collapsed}` : r.alert.fingerprint))).toEqual(['g:2:true', 'g:1:false', '4', 'g:1:false', '3']);
  });

  it('keys each row by its group or alert, so a row keeps its identity when one is inserted above it', () => {
    const before = boardRows(groupAlerts([alert('b', 'pending', { alertname: 'HighLoad' })], ['alertname']), new Set());
    const after = boardRows(groupAlerts([alert('b', 'pending', { alertname: 'HighLoad' }), alert('a', 'firing', { alertname: 'HighLoad' })], ['alertname']), new Set());
    expect(after.map(boardRowKey)).toEqual([before.map(boardRowKey)[0], 'alert:a', 'alert:b']);
    expect(new Set(after.map(boardRowKey)).size).toBe(after.length);
  });

  it('hides resolved alerts unless asked, and filters by label, acknowledgement and text', () => {
    const acked = alert('x', 'firing', { operator: 'kt', site: 'kt-1', alertname: 'HighLoad' }, undefined, { acknowledgement: { by: 'kim', at: '', comment: '' }, assignee: 'lee' });
    expect(matchesFilter(alert('r', 'resolved', {}), {})).toBe(false);
    expect(matchesFilter(alert('r', 'resolved', {}), { resolved: 'show' })).toBe(true);
    expect(matchesFilter(alert('r', 'resolved', {}), { status: 'resolved' })).toBe(true);
    expect(matchesFilter(acked, { operator: 'kt', site: 'kt-1' })).toBe(true);
    expect(matchesFilter(acked, { operator: 'skt' })).toBe(false);
    expect(matchesFilter(acked, { acknowledged: 'false' })).toBe(false);
    expect(matchesFilter(acked, { acknowledged: 'true', text: 'LEE' })).toBe(true);
    expect(matchesFilter(acked, { text: 'nothing' })).toBe(false);
  });
});
