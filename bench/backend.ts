/**
 * The benchmark's instant WorkDocs backend: a node:http server answering the few WorkDocs
 * operations the benchmark uses with fixed JSON (bench/fixtures.ts), without checking signatures
 * or tokens, so that the figures measure the servers under test and nothing behind them.
 *
 *   node --import tsx bench/backend.ts [port]      prints `LISTENING <port>` once it listens
 *
 * `GET /_stats` answers the calls per operation since the last `DELETE /_stats` (for "upstream
 * calls per query").
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  documentResponse,
  FOLDER_CONTENTS_RESPONSE,
  FOLDER_RESPONSE,
  INITIATE_RESPONSE,
  usersResponse,
} from './fixtures.js';

const counts = new Map<string, number>();
let requestNumber = 0;

function answer(res: http.ServerResponse, status: number, body: string, operation: string): void {
  counts.set(operation, (counts.get(operation) ?? 0) + 1);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-requestid': `bench-${String(++requestNumber)}`,
  });
  res.end(body);
}

const server = http.createServer((req, res) => {
  // Drain the request body (InitiateDocumentVersionUpload's JSON) before answering.
  req.resume();
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://backend');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/_stats') {
      if (method === 'DELETE') counts.clear();
      const body = JSON.stringify(Object.fromEntries(counts));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
      return;
    }
    if (method === 'POST' && path === '/api/v1/documents') {
      answer(res, 201, INITIATE_RESPONSE, 'InitiateDocumentVersionUpload');
    } else if (method === 'GET' && path === '/api/v1/users') {
      const ids = (url.searchParams.get('userIds') ?? '').split(',').filter(Boolean);
      answer(res, 200, usersResponse(ids), 'DescribeUsers');
    } else if (method === 'GET' && /^\/api\/v1\/folders\/[^/]+\/contents$/.test(path)) {
      answer(res, 200, FOLDER_CONTENTS_RESPONSE, 'DescribeFolderContents');
    } else if (method === 'GET' && /^\/api\/v1\/folders\/[^/]+$/.test(path)) {
      answer(res, 200, FOLDER_RESPONSE, 'GetFolder');
    } else if (method === 'GET' && path.startsWith('/api/v1/documents/doc-')) {
      const i = Number(/(\d+)$/.exec(path)?.[1] ?? '0');
      answer(res, 200, documentResponse(i), 'GetDocument');
    } else {
      const body = JSON.stringify({ Message: `bench backend: no route for ${method} ${path}` });
      res.writeHead(404, {
        'Content-Type': 'application/json',
        'x-amzn-errortype': 'EntityNotExistsException',
      });
      res.end(body);
    }
  });
});
server.keepAliveTimeout = 60_000;

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${String((server.address() as AddressInfo).port)}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
