/**
 * The gateway's `/demo` route (src/gateway/demo.ts): serves the built page in development only,
 * hands the demo token to it only on loopback, and serves nothing but the files of its folder.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoPage } from '../../src/gateway/demo.js';
import { startStack, type Stack } from '../helpers/stack.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-demo-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>demo</title>');
  await writeFile(path.join(dir, 'main.js'), 'export {};');
  await writeFile(path.join(dir, '.secret.js'), 'hidden');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('in development', () => {
  let stack: Stack;
  let base: string;
  beforeAll(async () => {
    stack = await startStack({ demo: { dir } });
    base = stack.gatewayUrl.replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await stack.close();
  });

  it('/demo redirects to /demo/, which is the page', async () => {
    const redirect = await fetch(`${base}/demo`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/demo/');
    const page = await fetch(`${base}/demo/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toBe('<!doctype html><title>demo</title>');
    const js = await fetch(`${base}/demo/main.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('export {};');
  });

  it('config.json gives the GraphQL path and, on loopback, the demo token', async () => {
    const res = await fetch(`${base}/demo/config.json`);
    expect(await res.json()).toEqual({ graphqlUrl: '/graphql', demoToken: stack.local.demoToken });
  });

  it.each([
    '/demo/%2e%2e%2fpackage.json',
    '/demo/..%2fpackage.json',
    '/demo/sub/main.js',
    '/demo/.secret.js',
    '/demo/missing.js',
    '/demo/main.ts',
    `/demo/${'a'.repeat(200)}.js`,
  ])('%s is 404', async (p) => {
    const res = await fetch(`${base}${p}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('hidden');
  });

  it('methods other than GET and HEAD are 405', async () => {
    const res = await fetch(`${base}/demo/`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    const head = await fetch(`${base}/demo/main.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('10');
  });

  it('GraphQL still answers next to it', async () => {
    const { status, body } = await stack.graphql('{ me { username } }', {}, stack.local.demoToken);
    expect(status).toBe(200);
    expect(body.data).toEqual({ me: { username: 'demo' } });
  });
});

describe('NODE_ENV=production', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { production: true }, demo: { dir } });
  });
  afterAll(async () => {
    await stack.close();
  });

  it.each(['/demo', '/demo/', '/demo/main.js', '/demo/config.json'])('%s is 404', async (p) => {
    const res = await fetch(`${stack.gatewayUrl.replace(/\/graphql$/, '')}${p}`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(stack.local.demoToken);
  });
});

describe('the page handler alone', () => {
  async function serve(
    handler: ReturnType<typeof createDemoPage>,
    run: (base: string) => Promise<void>,
  ): Promise<void> {
    const server = http.createServer((req, res) => {
      void handler(req, res, new URL(req.url ?? '/', 'http://x').pathname);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run(`http://127.0.0.1:${String((server.address() as AddressInfo).port)}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('does not hand out the token when the gateway listens beyond loopback', async () => {
    await serve(createDemoPage({ dir, token: 'secret-token' }, '0.0.0.0'), async (base) => {
      expect(await (await fetch(`${base}/demo/config.json`)).json()).toEqual({
        graphqlUrl: '/graphql',
        demoToken: null,
      });
    });
  });

  it('says how to build the page when it is not built', async () => {
    await serve(
      createDemoPage({ dir: path.join(dir, 'nothing-here') }, '127.0.0.1'),
      async (base) => {
        const res = await fetch(`${base}/demo/`);
        expect(res.status).toBe(404);
        expect(await res.text()).toBe(
          'The demo page is not built: run `npm run web:build` (npm install does it too).',
        );
      },
    );
  });
});
