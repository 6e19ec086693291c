import { counter } from '@airan/observability';

/** Evidence that moved nothing because it was seen already or is older than what an instance applied. */
export const skippedEvidence = counter(
  'airan_alerting_evidence_skipped_total',
  'Evidence skipped: a window revision applied already (duplicate), a raw sample evaluated already (repeat), or older than an instance has applied (older)',
  ['kind', 'reason'],
);
