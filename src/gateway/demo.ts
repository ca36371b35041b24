/**
 * The demo page at `/demo` (development only: `server.ts` never creates it when
 * `NODE_ENV=production`). Serves the page that `npm run web:build` writes into
 * `examples/web/dist/` (source in `examples/web/`), and `/demo/config.json`: the GraphQL path and,
 * when the gateway listens on loopback, the embedded WorkDocs Local's demo token to prefill.
 *
 * Only the files directly in that folder are served (names of letters, digits, `_`, `-`, `.`; no
 * dot files), with GET or HEAD, under a Content-Security-Policy that allows scripts and styles of
 * this origin only.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { isLoopback } from '../net.js';

/** Where `npm run web:build` writes the page. */
export const DEFAULT_DEMO_DIR = fileURLToPath(new URL('../../examples/web/dist/', import.meta.url));

export interface DemoPageOptions {
  /** The built page (default `examples/web/dist/`). */
  dir?: string | undefined;
  /** The demo token to prefill (the embedded WorkDocs Local's); given to the page only on loopback. */
  token?: string | undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

const SECURITY_HEADERS = {
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // GraphQL goes to this origin; the bytes go to WorkDocs' upload URLs (any origin).
  'Content-Security-Policy':
    "default-src 'self'; connect-src 'self' http: https:; img-src 'self' data:; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/** True for `/demo` and everything under `/demo/`. */
export function isDemoPath(pathname: string): boolean {
  return pathname === '/demo' || pathname.startsWith('/demo/');
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...SECURITY_HEADERS,
  });
  res.end(text);
}

/**
 * The request handler of `/demo`; `listenHost` is the gateway's listen address (the demo token is
 * handed out only when it is a loopback address).
 */
export function createDemoPage(
  options: DemoPageOptions,
  listenHost: string,
): (req: http.IncomingMessage, res: http.ServerResponse, pathname: string) => Promise<void> {
  const dir = options.dir ?? DEFAULT_DEMO_DIR;
  const config = JSON.stringify({
    graphqlUrl: '/graphql',
    demoToken: options.token !== undefined && isLoopback(listenHost) ? options.token : null,
  });

  return async (req, res, pathname) => {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendText(res, 405, 'The demo page accepts GET and HEAD only.');
      return;
    }
    if (pathname === '/demo') {
      res.writeHead(302, { Location: '/demo/', 'Content-Length': 0 });
      res.end();
      return;
    }
    const name = pathname === '/demo/' ? 'index.html' : pathname.slice('/demo/'.length);
    if (name === 'config.json') {
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(config),
        ...SECURITY_HEADERS,
      });
      res.end(req.method === 'HEAD' ? undefined : config);
      return;
    }
    const type = CONTENT_TYPES[path.extname(name)];
    if (!FILE_NAME.test(name) || type === undefined) {
      sendText(res, 404, `Not found: ${pathname}`);
      return;
    }
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() !== true) {
      const built = await stat(path.join(dir, 'index.html')).catch(() => undefined);
      sendText(
        res,
        404,
        built === undefined
          ? 'The demo page is not built: run `npm run web:build` (npm install does it too).'
          : `Not found: ${pathname}`,
      );
      return;
    }
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': info.size,
      ...SECURITY_HEADERS,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // pipeline: a client that hangs up midway also closes the file.
    await pipeline(createReadStream(file), res).catch(() => undefined);
  };
}
