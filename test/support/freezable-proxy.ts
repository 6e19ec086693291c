import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A TCP proxy in front of a service that can go silent without closing anything: frozen, it stops
 * moving bytes both ways and holds new connections unanswered, which is what a client sees of a
 * half-open connection (a NAT or a load balancer that dropped its state). Neither side gets a FIN or
 * an RST, so only the client's own watchdog can notice.
 */
export class FreezableProxy {
  /** What arrived while frozen (bytes to pass on, ends to pass on), done in order on thaw. */
  private readonly stalled: Array<() => void> = [];
  private readonly sockets = new Set<Socket>();
  private readonly held: Socket[] = [];
  private frozen = false;
  /** Everything the target has sent through the proxy, to wait on (a test's volumes are small). */
  private downstream = '';

  private constructor(
    private readonly server: Server,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(targetUrl: string): Promise<FreezableProxy> {
    const { hostname, port } = new URL(targetUrl);
    const server = createServer();
    const proxy = new FreezableProxy(server, { host: hostname, port: Number(port) });
    server.on('connection', (client) => proxy.accept(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('the proxy is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Whether the target has sent `text` through the proxy yet. */
  hasDelivered(text: string): boolean {
    return this.downstream.includes(text);
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    this.stalled.splice(0).forEach((deliver) => deliver());
    this.held.splice(0).forEach((client) => this.pipe(client));
  }

  async close(): Promise<void> {
    this.sockets.forEach((socket) => socket.destroy());
    this.held.splice(0).forEach((socket) => socket.destroy());
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** A client's error listener is set here, once, since a held client may error before it is piped. */
  private accept(client: Socket): void {
    client.on('error', () => client.destroy());
    if (this.frozen) this.held.push(client);
    else this.pipe(client);
  }

  private whenFlowing(deliver: () => void): void {
    if (this.frozen) this.stalled.push(deliver);
    else deliver();
  }

  /** Copies bytes both ways by hand (not pipe(), which a drain can resume): a frozen proxy keeps them back. An end, too, waits for the thaw. */
  private pipe(client: Socket): void {
    if (client.destroyed) return;
    const upstream = connect(this.target);
    upstream.on('error', () => upstream.destroy());
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(from);
      from.on('data', (chunk: Buffer) =>
        this.whenFlowing(() => {
          if (from === upstream) this.downstream += chunk.toString('latin1');
          if (!to.destroyed) to.write(chunk);
        }),
      );
      from.on('close', () => {
        this.sockets.delete(from);
        this.whenFlowing(() => to.destroy());
      });
    }
  }
}
