/**
 * The node:http server of WorkDocs Local and its limits against slow or greedy clients:
 * - headers must arrive within `headersTimeoutSeconds` (slowloris: half a header held open),
 * - while a request body is received, the connection may stay idle (no bytes) at most
 *   `bodyIdleTimeoutSeconds` — a long upload that keeps sending is never cut,
 * - at most `maxConnections` connections at once; more are closed as they arrive.
 * There is no whole-request timeout: a multi-gigabyte upload may take as long as it keeps sending.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { UPLOAD_PREFIX } from '../transfers/urls.js';

export interface HttpLimits {
  headersTimeoutSeconds: number;
  bodyIdleTimeoutSeconds: number;
  maxConnections: number;
}

export function createHttpServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  limits: HttpLimits,
): Server {
  const headersTimeout = limits.headersTimeoutSeconds * 1000;
  const idleTimeout = limits.bodyIdleTimeoutSeconds * 1000;
  const server = createServer(
    {
      keepAliveTimeout: 5_000,
      requestTimeout: 0,
      headersTimeout,
      // How often Node checks header deadlines: a late header is cut within this much of its deadline.
      connectionsCheckingInterval: Math.min(1_000, headersTimeout / 2),
    },
    (req, res) => {
      // Idle = no bytes either way. Reset per request: Node clears a kept-alive socket's timeout.
      req.socket.setTimeout(idleTimeout);
      handle(req, res);
    },
  );
  // `Expect: 100-continue`: an upload answers it itself once its checks pass (refusing a body it
  // would not take before the client sends it); everything else continues at once.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith(UPLOAD_PREFIX)) res.writeContinue();
    server.emit('request', req, res);
  });
  // Before any request: a connection that sends nothing at all is cut as idle too.
  server.setTimeout(idleTimeout);
  server.maxConnections = limits.maxConnections;
  // Malformed HTTP never reaches the handler: answer like Node would (431 for oversized headers,
  // 408 for headers too slow), with a request id like every other response.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(
      `HTTP/1.1 ${status}\r\nx-amzn-requestid: ${randomUUID()}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
  });
  return server;
}
