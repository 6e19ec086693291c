import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { freePort } from '../support/stack';

/** Wall-clock time in fractional milliseconds since the epoch (comparable with Postgres and Kafka timestamps). */
export const wallNow = (): number => performance.timeOrigin + performance.now();

/** One alert of an Alertmanager version 4 webhook body, as airan and Alertmanager both send it. */
export interface WebhookAlert {
  readonly status: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly fingerprint?: string;
}

export interface Delivery {
  /** Path the body was posted to: one server takes airan's and Alertmanager's webhooks apart by path. */
  readonly path: string;
  /** Wall time the whole body had arrived. */
  readonly receivedAt: number;
  readonly alerts: readonly WebhookAlert[];
}

/**
 * The bench's own HTTP server: webhook receiver (any POST, answered 200 at once) and, when given,
 * extra GET routes such as a Prometheus `/metrics` page. Listeners see each delivery as it arrives.
 */
export class BenchHttpServer {
  readonly deliveries: Delivery[] = [];
  private readonly listeners = new Set<(delivery: Delivery) => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {}): Promise<BenchHttpServer> {
    let self: BenchHttpServer | undefined;
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method === 'GET' && routes[path]) return routes[path](request, response);
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const receivedAt = wallNow();
        response.writeHead(200).end();
        let alerts: WebhookAlert[] = [];
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as { alerts?: WebhookAlert[] };
          alerts = Array.isArray(body.alerts) ? body.alerts : [];
        } catch {
          // Not a webhook body: recorded with no alerts.
        }
        self?.record({ path, receivedAt, alerts });
      });
    });
    server.keepAliveTimeout = 60_000;
    const port = await freePort();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    self = new BenchHttpServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** Calls `listener` for every delivery from now on; returns the unsubscribe function. */
  onDelivery(listener: (delivery: Delivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private record(delivery: Delivery): void {
    this.deliveries.push(delivery);
    for (const listener of this.listeners) listener(delivery);
  }
}

/**
 * Waits for specific firing alerts at the bench's server. Register an expectation *before* causing the
 * crossing (a fast pipeline can deliver before the request that caused it has its answer); the first
 * firing alert on that path the matcher accepts, not claimed by an earlier expectation, resolves it.
 */
export class AlertExpectations {
  private readonly pending: Array<{ path: string; match: (alert: WebhookAlert) => boolean; resolve: (at: number) => void }> = [];
  private readonly unsubscribe: () => void;
  /** Firing alerts on watched paths that no expectation claimed (repeats, or labels the matchers did not foresee). */
  unclaimed = 0;
  private readonly paths = new Set<string>();

  constructor(server: BenchHttpServer) {
    this.unsubscribe = server.onDelivery((delivery) => this.onDelivery(delivery));
  }

  expect(path: string, match: (alert: WebhookAlert) => boolean): Promise<number> {
    this.paths.add(path);
    return new Promise((resolve) => this.pending.push({ path, match, resolve }));
  }

  close(): void {
    this.unsubscribe();
    this.pending.splice(0);
  }

  private onDelivery({ path, receivedAt, alerts }: Delivery): void {
    if (!this.paths.has(path)) return;
    for (const alert of alerts) {
      if (alert.status !== 'firing') continue;
      const index = this.pending.findIndex((p) => p.path === path && p.match(alert));
      if (index < 0) {
        this.unclaimed++;
        continue;
      }
      const [claimed] = this.pending.splice(index, 1);
      claimed.resolve(receivedAt);
    }
  }
}

/** Waits until every promise settled or `timeoutMs` passed; unsettled ones read as undefined. */
export async function settleWithin<T>(promises: readonly Promise<T>[], timeoutMs: number): Promise<Array<T | undefined>> {
  const results: Array<T | undefined> = promises.map(() => undefined);
  const all = Promise.all(promises.map((p, i) => p.then((value) => (results[i] = value))));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
  return results;
}
