import { type SimOperator, createPrng, hash32 } from '@airan/demo-fleet';
import { buildOperatorBatch } from '../../apps/simulator/src/simulator.samples';
import { parseRetryAfter } from '../../apps/simulator/src/main';

/**
 * What became of one operator's report for one tick (every site of the operator, one request, retried):
 * - `accepted`: some attempt was answered 2xx: every sample must be stored exactly once;
 * - `refused`: answered 503 each time: stored once or absent, never twice;
 * - `unanswered`: no answer (ingest killed mid-request, or not listening): the same;
 * - `other`: any other status, or a 2xx that rejected records, which the campaign does not expect.
 */
export type Outcome = 'accepted' | 'refused' | 'unanswered' | 'other';

/** Attempts per report: a site agent retries a 503 or a lost connection (after Retry-After), then gives up on that tick. */
const ATTEMPTS = 3;
/** In flight at once: enough for ingest's latency at this rate, few enough that a tick's reports stay in order. */
const CONCURRENCY = 6;

interface Job {
  readonly tick: number;
  readonly operator: SimOperator;
  readonly body: string;
  readonly records: number;
  attempt: number;
  notBefore: number;
}

/**
 * The site traffic: the simulator's own sample generator (apps/simulator buildOperatorBatch) on wall-clock
 * ticks, one request per operator and tick, posted to ingest as the simulator does, with the outcome of
 * each report kept for the accounting. Open loop: a tick that finds five ticks' worth still queued is
 * skipped (and counted), as the simulator skips busy ticks.
 */
export class ChaosTraffic {
  /** `${operatorId}@${tick}` → outcome (a report's later attempt overrides an earlier one). */
  readonly outcomes = new Map<string, Outcome>();
  readonly statuses: Record<string, number> = {};
  /** The first answers of a status the campaign does not expect (neither 2xx nor 503), bodies cut short. */
  readonly unexpectedAnswers: Array<{ status: number; at: string; body: string }> = [];
  acceptedRecords = 0;
  skippedTicks = 0;
  retries = 0;
  /** Wall time of the last 2xx (recovery is measured by it). */
  lastAcceptedAt = 0;
  private readonly queue: Job[] = [];
  private running = true;
  private readonly done: Promise<unknown>;

  constructor(
    private readonly operators: readonly SimOperator[],
    private readonly keys: ReadonlyMap<string, string>,
    private readonly ingestUrl: () => string,
    readonly intervalMs: number,
    private readonly seed: number,
  ) {
    this.done = Promise.all([this.ticker(), ...Array.from({ length: CONCURRENCY }, () => this.worker())]);
  }

  /** Records one tick of the whole fleet holds: cells, GPU devices and one heartbeat per site. */
  static recordsPerTick(operators: readonly SimOperator[]): number {
    return operators.reduce((n, op) => n + op.sites.reduce((m, s) => m + s.cells.length + s.gpuNode.devices.length + 1, 0), 0);
  }

  /** Stops ticking and resolves once every queued report has had its last attempt. */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async ticker(): Promise<void> {
    const I = this.intervalMs;
    for (let tick = Math.ceil(Date.now() / I) * I; this.running; tick += I) {
      const wait = tick - Date.now();
      if (wait > 0) await sleep(wait);
      if (!this.running) return;
      if (this.queue.length > 5 * this.operators.length) {
        this.skippedTicks++;
        continue;
      }
      for (const operator of this.operators) {
        const batch = buildOperatorBatch(operator, tick, I, createPrng(hash32(`${this.seed}:${operator.id}:${tick}`)), { fleet: this.operators });
        this.queue.push({ tick, operator, body: JSON.stringify(batch), records: batch.records.length, attempt: 0, notBefore: 0 });
      }
    }
  }

  private async worker(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      const index = this.queue.findIndex((j) => j.notBefore <= Date.now());
      if (index < 0) {
        await sleep(20);
        continue;
      }
      const [job] = this.queue.splice(index, 1);
      await this.post(job);
    }
  }

  private async post(job: Job): Promise<void> {
    job.attempt++;
    const key = `${job.operator.id}@${job.tick}`;
    let outcome: Outcome;
    let retryAfterMs: number | undefined;
    try {
      const response = await fetch(`${this.ingestUrl()}/v1/telemetry`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.keys.get(job.operator.id)}`, 'content-type': 'application/json' },
        body: job.body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      // A 2xx that rejected records (an unknown site, say) did not accept them all: not a plain acceptance.
      const rejected = response.ok ? Number((JSON.parse(text) as { rejected?: number }).rejected ?? 0) : 0;
      const status = rejected > 0 ? `${response.status} with rejected records` : String(response.status);
      this.statuses[status] = (this.statuses[status] ?? 0) + 1;
      outcome = response.ok && rejected === 0 ? 'accepted' : response.status === 503 ? 'refused' : 'other';
      if (outcome === 'other' && this.unexpectedAnswers.length < 10) this.unexpectedAnswers.push({ status: response.status, at: new Date().toISOString(), body: text.slice(0, 500) });
      retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    } catch {
      this.statuses.unanswered = (this.statuses.unanswered ?? 0) + 1;
      outcome = 'unanswered';
    }
    // Accepted once stays accepted; a refusal after no answer says more about where the data is.
    if (this.outcomes.get(key) !== 'accepted') this.outcomes.set(key, outcome);
    if (outcome === 'accepted') {
      this.acceptedRecords += job.records;
      this.lastAcceptedAt = Date.now();
    } else if ((outcome === 'refused' || outcome === 'unanswered') && job.attempt < ATTEMPTS) {
      this.retries++;
      job.notBefore = Date.now() + Math.min(retryAfterMs ?? 1000, 2000);
      this.queue.push(job);
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
