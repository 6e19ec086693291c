import { type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { type WebSocket, WebSocketServer } from 'ws';

const PENDING = Symbol('airan:websocket-upgrade');
type UpgradeRequest = IncomingMessage & { [PENDING]?: { socket: Duplex; head: Buffer } };

/** Streams take no input: a client message larger than this closes the connection (1009). */
const MAX_CLIENT_MESSAGE_BYTES = 1024;

/**
 * WebSocket upgrades go through fastify like any request: the request log, the key guard, query
 * validation, scoping and limits all apply, and a refusal is an ordinary HTTP answer (401, 400, 429…)
 * on the socket. Only a route that accepts it (`accept`) completes the handshake; any other answer
 * closes the connection. Routes serve both kinds of clients on one path.
 */
@Injectable()
export class WebSocketUpgrades implements OnApplicationBootstrap {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });

  constructor(private readonly host: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    (this.host.httpAdapter.getHttpServer() as Server).on('upgrade', (request: UpgradeRequest, socket: Duplex, head: Buffer) => {
      if (request.headers.upgrade?.toLowerCase() !== 'websocket') return void socket.destroy();
      request[PENDING] = { socket, head };
      const response = new ServerResponse(request);
      response.assignSocket(socket as never);
      // An answer other than the handshake ends the connection: it was never an HTTP keep-alive one.
      response.once('finish', () => socket.end());
      socket.on('error', () => socket.destroy());
      fastify.routing(request, response);
    });
  }

  /** Whether `request` asks for a WebSocket (and came through the upgrade above). */
  static requested(request: IncomingMessage): boolean {
    return (request as UpgradeRequest)[PENDING] !== undefined;
  }

  /** Completes the handshake; undefined when the client's handshake was invalid (ws answered 400) or it left. */
  accept(request: IncomingMessage): Promise<WebSocket | undefined> {
    const pending = (request as UpgradeRequest)[PENDING];
    if (!pending) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      pending.socket.once('close', () => resolve(undefined));
      this.server.handleUpgrade(request, pending.socket, pending.head, (socket) => resolve(socket));
    });
  }
}
