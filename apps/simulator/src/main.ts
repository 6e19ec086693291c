/**
 * airan site simulator: posts native telemetry batches for the simulated pilot fleet
 * (libs/demo-fleet) to ingest's `POST /v1/telemetry`, one batch per operator per interval.
 *
 *   SIM_KEYS='skt=airan_…,kt=airan_…,lguplus=airan_…' node dist/apps/simulator/src/main.js
 *
 * Environment (validated with zod; any problem is printed and the process exits 1):
 *   INGEST_URL        ingest base URL (default http://127.0.0.1:3001)
 *   SIM_KEYS          required; comma list `<operator>=<api key>`, operators skt, kt, lguplus;
 *                     an operator without a key is skipped with a warning
 *   SIM_INTERVAL_MS   interval between batches and the `intervalMs` of cell samples (default 5000)
 *   SIM_DURATION_MS   optional; stop after this long
 *   SIM_SEED          optional PRNG seed (default 1); a batch is a function of (seed, operator, tick)
 *
 * Ticks are aligned to multiples of the interval, so every sample's `ts` is the end of its interval.
 * Never more than one request in flight per operator: a tick that finds the previous request still
 * running is skipped. On 429/503 the `Retry-After` (seconds or HTTP date; one interval if absent) is
 * honoured by skipping ticks until it has passed, never by queueing. One JSON line is logged per post.
 * SIGINT/SIGTERM stop the ticks and wait for in-flight requests (a second signal exits at once).
 */
import { z } from 'zod';
import { ConfigError, loadConfig } from '@airan/config';
import { OPERATOR_IDS, createPrng, hash32, isOperatorId, type OperatorId } from '@airan/demo-fleet';
import { buildOperatorBatch } from './simulator.samples';

/** Treats an empty variable (`FOO=`) as unset, as compose files and shells often produce them. */
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

function parseKeys(raw: string, ctx: z.RefinementCtx): Partial<Record<OperatorId, string>> {
  const keys: Partial<Record<OperatorId, string>> = {};
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const operator = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const key = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (!isOperatorId(operator)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `unknown operator "${operator}" (expected ${OPERATOR_IDS.join(', ')})` });
      continue;
    }
    if (operator in keys) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `operator "${operator}" is given twice` });
      continue;
    }
    if (key) keys[operator] = key;
  }
  if (Object.keys(keys).length === 0) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'no operator has a key: expected skt=<key>,kt=<key>,lguplus=<key>' });
  }
  return keys;
}

export const simulatorConfigSchema = z.object({
  INGEST_URL: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'expected an http(s) URL')
      .default('http://127.0.0.1:3001')
      .transform((u) => u.replace(/\/+$/, '')),
  ),
  SIM_KEYS: z
    .string({ required_error: 'required: skt=<key>,kt=<key>,lguplus=<key>' })
    .min(1, 'required: skt=<key>,kt=<key>,lguplus=<key>')
    .transform(parseKeys),
  SIM_INTERVAL_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(100).max(3_600_000).default(5000)),
  SIM_DURATION_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).optional()),
  SIM_SEED: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(0xffffffff).default(1)),
});

export type SimulatorConfig = z.output<typeof simulatorConfigSchema>;

/** Per-request timeout: a hung request frees its operator's slot after this long. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Upper bound on a honoured Retry-After. */
const MAX_RETRY_AFTER_MS = 3_600_000;
/** How long shutdown waits for in-flight requests before aborting them. */
const SHUTDOWN_GRACE_MS = 10_000;

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, service: 'simulator', msg, ...fields });
  process.stdout.write(`${line}\n`);
}

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; undefined if absent/invalid. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/** Counts from ingest's answer: a number, or the length of an array of ids/errors. */
function count(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return value.length;
  return null;
}

/** Public id of an `airan_<id>_<secret>` key, for attribution in logs; the secret is never logged. */
function keyIdOf(key: string): string | undefined {
  return /^airan_([0-9a-f]+)_/.exec(key)?.[1];
}

interface Lane {
  readonly operator: OperatorId;
  readonly key: string;
  inFlight: Promise<void> | undefined;
  abort: AbortController | undefined;
  /** Epoch ms before which ticks are skipped (Retry-After). */
  notBefore: number;
  skippedBusy: number;
  skippedBackoff: number;
  posts: number;
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: SimulatorConfig;
  try {
    config = loadConfig(simulatorConfigSchema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`simulator: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const interval = config.SIM_INTERVAL_MS;
  const url = `${config.INGEST_URL}/v1/telemetry`;
  const lanes: Lane[] = [];
  for (const operator of OPERATOR_IDS) {
    const key = config.SIM_KEYS[operator];
    if (!key) {
      log('warn', 'operator skipped: no key in SIM_KEYS', { operator });
      continue;
    }
    lanes.push({ operator, key, inFlight: undefined, abort: undefined, notBefore: 0, skippedBusy: 0, skippedBackoff: 0, posts: 0 });
  }
  log('info', 'simulator started', {
    url,
    operators: lanes.map((l) => l.operator),
    intervalMs: interval,
    durationMs: config.SIM_DURATION_MS ?? null,
    seed: config.SIM_SEED,
  });

  async function post(lane: Lane, tick: number): Promise<void> {
    const batch = buildOperatorBatch(lane.operator, tick, interval, createPrng(hash32(`${config.SIM_SEED}:${lane.operator}:${tick}`)));
    const started = Date.now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`timed out after ${REQUEST_TIMEOUT_MS} ms`)), REQUEST_TIMEOUT_MS);
    lane.abort = abort;
    const skipped = { busy: lane.skippedBusy, backoff: lane.skippedBackoff };
    lane.skippedBusy = 0;
    lane.skippedBackoff = 0;
    const base = {
      operator: lane.operator,
      keyId: keyIdOf(lane.key),
      batchTs: new Date(tick).toISOString(),
      records: batch.records.length,
      ...(skipped.busy || skipped.backoff ? { skippedTicks: skipped } : {}),
    };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${lane.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: abort.signal,
      });
      const text = await res.text();
      let body: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = text ? JSON.parse(text) : undefined;
        if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
      } catch {
        body = undefined;
      }
      lane.posts++;
      const fields: Record<string, unknown> = {
        ...base,
        status: res.status,
        accepted: count(body?.accepted),
        rejected: count(body?.rejected),
        durationMs: Date.now() - started,
      };
      if (res.status === 429 || res.status === 503) {
        const now = Date.now();
        const waitMs = parseRetryAfter(res.headers.get('retry-after'), now) ?? interval;
        lane.notBefore = now + waitMs;
        fields.retryAfterMs = waitMs;
      }
      if (!res.ok) fields.error = body?.error ?? body?.message ?? (text.slice(0, 300) || null);
      log(res.ok ? 'info' : 'warn', 'post', fields);
    } catch (err) {
      log('error', 'post', {
        ...base,
        status: null,
        accepted: null,
        rejected: null,
        durationMs: Date.now() - started,
        error: err instanceof Error ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}` : String(err),
      });
    } finally {
      clearTimeout(timer);
      lane.abort = undefined;
    }
  }

  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  const startedAt = Date.now();
  const stopAt = config.SIM_DURATION_MS === undefined ? Infinity : startedAt + config.SIM_DURATION_MS;

  const onTick = (tick: number): void => {
    if (stopping) return;
    for (const lane of lanes) {
      if (lane.inFlight) {
        lane.skippedBusy++;
        continue;
      }
      if (Date.now() < lane.notBefore) {
        lane.skippedBackoff++;
        continue;
      }
      lane.inFlight = post(lane, tick).finally(() => {
        lane.inFlight = undefined;
      });
    }
    schedule();
  };

  function schedule(): void {
    const now = Date.now();
    const next = Math.floor(now / interval) * interval + interval;
    if (next > stopAt) {
      timer = setTimeout(() => void stop('duration elapsed'), Math.max(0, stopAt - now));
      return;
    }
    timer = setTimeout(() => onTick(next), next - now);
  }

  let finished: Promise<void> | undefined;
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    markDone = resolve;
  });
  function stop(reason: string): Promise<void> {
    if (finished) return finished;
    stopping = true;
    if (timer) clearTimeout(timer);
    finished = (async () => {
      const pending = lanes.map((l) => l.inFlight).filter((p): p is Promise<void> => p !== undefined);
      if (pending.length > 0) {
        const grace = setTimeout(() => lanes.forEach((l) => l.abort?.abort(new Error('shutting down'))), SHUTDOWN_GRACE_MS);
        await Promise.allSettled(pending);
        clearTimeout(grace);
      }
      log('info', 'simulator stopped', {
        reason,
        runMs: Date.now() - startedAt,
        posts: Object.fromEntries(lanes.map((l) => [l.operator, l.posts])),
      });
      markDone();
    })();
    return finished;
  }

  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log('warn', 'second signal: exiting now', { signal });
      process.exit(130);
    }
    void stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // The first batch goes out at once (stamped with the current aligned tick), then on every tick.
  onTick(Math.floor(Date.now() / interval) * interval);
  await done;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    log('error', 'simulator crashed', { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.exit(1);
  });
}
