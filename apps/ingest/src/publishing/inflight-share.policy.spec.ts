import { admitInflight } from './inflight-share.policy';

const holding = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('admitInflight', () => {
  it('lets an operator holding nothing start one send, however full the budget and however large the send', () => {
    expect(admitInflight(holding({ skt: 10 }), 'kt', 3, 10)).toEqual({ admitted: true });
    expect(admitInflight(holding({ skt: 10, kt: 4 }), 'lguplus', 50, 10)).toEqual({ admitted: true });
    expect(admitInflight(holding({}), 'kt', 50, 10)).toEqual({ admitted: true });
  });

  it('gives an operator alone the whole budget, and nothing beyond it', () => {
    expect(admitInflight(holding({ skt: 6 }), 'skt', 4, 10)).toEqual({ admitted: true });
    expect(admitInflight(holding({ skt: 6 }), 'skt', 5, 10)).toEqual({ admitted: false, reason: 'OVERLOADED', held: 6 });
  });

  it('caps each operator at the budget divided by the operators holding records', () => {
    // Two operators hold records: each may hold 5 of 10.
    expect(admitInflight(holding({ skt: 4, kt: 1 }), 'skt', 1, 10)).toEqual({ admitted: true });
    expect(admitInflight(holding({ skt: 4, kt: 1 }), 'skt', 2, 10)).toEqual({ admitted: false, reason: 'FAIR_SHARE_EXCEEDED', held: 4, share: 5 });
    expect(admitInflight(holding({ skt: 4, kt: 1 }), 'kt', 4, 10)).toEqual({ admitted: true });
    // Three: a third each, rounded down.
    expect(admitInflight(holding({ skt: 3, kt: 1, lguplus: 1 }), 'skt', 1, 10)).toEqual({ admitted: false, reason: 'FAIR_SHARE_EXCEEDED', held: 3, share: 3 });
    expect(admitInflight(holding({ skt: 3, kt: 1, lguplus: 1 }), 'kt', 2, 10)).toEqual({ admitted: true });
  });

  it('refuses a send within its share when the budget is full: the flooder above its share is what drains', () => {
    // skt took the whole budget alone; kt got its one send in beside it.
    const flooded = holding({ skt: 10, kt: 2 });
    expect(admitInflight(flooded, 'skt', 1, 10)).toEqual({ admitted: false, reason: 'OVERLOADED', held: 12 });
    expect(admitInflight(flooded, 'kt', 1, 10)).toEqual({ admitted: false, reason: 'OVERLOADED', held: 12 });
    // Once skt's sends settled down to its share, kt's share has room.
    expect(admitInflight(holding({ skt: 5, kt: 2 }), 'kt', 3, 10)).toEqual({ admitted: true });
    expect(admitInflight(holding({ skt: 5, kt: 2 }), 'skt', 1, 10)).toEqual({ admitted: false, reason: 'FAIR_SHARE_EXCEEDED', held: 5, share: 5 });
  });
});
