/** Records awaiting Kafka, per operator holding any (operators holding none are absent). */
export type InflightHoldings = ReadonlyMap<string, number>;

export type InflightVerdict =
  | { readonly admitted: true }
  /** The whole budget is taken. */
  | { readonly admitted: false; readonly reason: 'OVERLOADED'; readonly held: number }
  /** The budget has room, but not within this operator's share of it. */
  | { readonly admitted: false; readonly reason: 'FAIR_SHARE_EXCEEDED'; readonly held: number; readonly share: number };

/**
 * Whether `operator` may start a send of `records` while `holdings` await Kafka, within `budget`
 * (INGEST_MAX_INFLIGHT_RECORDS) shared fairly between operators:
 *
 * - An operator holding nothing may always start one send, however full the budget and however large
 *   the send: whoever floods ingest, every other operator keeps getting its requests through. So the
 *   records held pass the budget by at most one request of each other operator.
 * - Otherwise the send must fit in the budget, and in the operator's fair share of it: the budget
 *   divided by the operators holding records. Alone, an operator may take the whole budget; once another
 *   sends, each may hold at most half, and so on, so a flooder is refused while others send.
 */
export function admitInflight(holdings: InflightHoldings, operator: string, records: number, budget: number): InflightVerdict {
  const mine = holdings.get(operator) ?? 0;
  if (mine === 0) return { admitted: true };
  let held = 0;
  for (const n of holdings.values()) held += n;
  if (held + records > budget) return { admitted: false, reason: 'OVERLOADED', held };
  const share = Math.floor(budget / holdings.size);
  if (mine + records > share) return { admitted: false, reason: 'FAIR_SHARE_EXCEEDED', held: mine, share };
  return { admitted: true };
}
