/**
 * Browsers and credentials (`src/gateway/cors.ts`, `landing-page.ts`): the CORS allow-list
 * `GATEWAY_CORS_ORIGINS` (permissive only in development), service-credential mode refusing
 * browser Origins before any WorkDocs call, and the demo token in the Sandbox only on loopback.
 */
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { ConfigError, loadGatewayConfig, type GatewayConfig } from '../../src/config.js';
import { sandboxFor } from '../../src/gateway/landing-page.js';
import { createGatewayServer, type GatewayServer } from '../../src/gateway/server.js';
import { useStack } from '../helpers/stack.js';

const stack = useStack({}, { resetChaosBeforeEach: true });
const extra: GatewayServer[] = [];
afterAll(async () => {
  await Promise.all(extra.map((g) => g.close()));
});

async function gatewayWith(
  overrides: Partial<GatewayConfig>,
  sandbox?: { headers: Record<string, string> },
): Promise<GatewayServer> {
  const g = await createGatewayServer(
    {
      ...loadGatewayConfig({}),
      port: 0,
      host: '127.0.0.1',
      workdocsEndpoint: stack.local.endpoint,
      region: stack.local.region,
      logLevel: 'silent',
      ...overrides,
    },
    {
      logger: pino({ level: 'silent' }),
      credentials: {
        accessKeyId: stack.local.accessKeyId,
        secretAccessKey: stack.local.secretAccessKey,
      },
      sandbox,
    },
  );
  extra.push(g);
  return g;
}

const ROOTS = JSON.stringify({ query: '{ rootFolders { id } }' });

async function post(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: ROOTS,
  });
}

describe('CORS allow-list', () => {
  test('development without a list: any origin may read answers (*)', async () => {
    const res = await post(stack.gatewayUrl, {
      origin: 'https://anywhere.example',
      authorization: `Bearer ${stack.local.demoToken}`,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('production without a list: no origin gets CORS headers', async () => {
    const g = await gatewayWith({ production: true });
    const res = await post(g.url, {
      origin: 'https://anywhere.example',
      authorization: `Bearer ${stack.local.demoToken}`,
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(g.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://anywhere.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('GATEWAY_CORS_ORIGINS: a listed origin is echoed (Vary: Origin); another gets nothing', async () => {
    const g = await gatewayWith({ corsOrigins: ['https://app.example.com'] });
    const auth = { authorization: `Bearer ${stack.local.demoToken}` };
    const listed = await post(g.url, { origin: 'https://app.example.com', ...auth });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(listed.headers.get('vary')).toContain('Origin');
    const other = await post(g.url, { origin: 'https://evil.example', ...auth });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(g.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  test.each([['app.example.com'], ['https://app.example.com/path'], ['javascript:alert(1)']])(
    'an entry that is not an origin (%s) stops the configuration',
    (value) => {
      expect(() => loadGatewayConfig({ GATEWAY_CORS_ORIGINS: value })).toThrow(ConfigError);
    },
  );

  test('the variable parses into a list', () => {
    expect(
      loadGatewayConfig({ GATEWAY_CORS_ORIGINS: 'https://a.example, http://localhost:5173' })
        .corsOrigins,
    ).toEqual(['https://a.example', 'http://localhost:5173']);
  });
});

describe('service-credential mode (WORKDOCS_ALLOW_SERVICE_CREDENTIALS=true)', () => {
  test('a browser request (any Origin not listed, even with *) → 403 FORBIDDEN, no WorkDocs call', async () => {
    const g = await gatewayWith({ allowServiceCredentials: true, corsOrigins: ['*'] });
    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:4000']) {
      const res = await post(g.url, { origin });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { errors: { message: string; extensions: unknown }[] };
      expect(body.errors[0]?.extensions).toEqual({
        code: 'FORBIDDEN',
        gatewayRequestId: expect.any(String) as unknown,
      });
      expect(body.errors[0]?.message).toMatch(/^Requests from browsers \(Origin /);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect(await stack.stats()).toEqual({});
  });

  test('a server-side caller (no Origin) acts as administrator; an explicitly listed origin is let through', async () => {
    const g = await gatewayWith({
      allowServiceCredentials: true,
      corsOrigins: ['https://admin.example.com'],
    });
    const server = await post(g.url, {});
    expect(server.status).toBe(200);
    const listed = await post(g.url, { origin: 'https://admin.example.com' });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');
  });
});

describe('the demo token in the Sandbox', () => {
  const sandbox = { headers: { Authorization: 'Bearer demo-secret-token', 'X-Other': 'kept' } };

  test('is kept on a loopback address and dropped on any other', () => {
    expect(sandboxFor(sandbox, '127.0.0.1')).toEqual(sandbox);
    expect(sandboxFor(sandbox, '::1')).toEqual(sandbox);
    expect(sandboxFor(sandbox, 'localhost')).toEqual(sandbox);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'gateway.example.com']) {
      expect(sandboxFor(sandbox, host)).toEqual({ headers: { 'X-Other': 'kept' } });
    }
  });

  test('the landing page of a gateway on 127.0.0.1 embeds it', async () => {
    const g = await gatewayWith({}, sandbox);
    const page = await (await fetch(g.url, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('demo-secret-token');
  });
});
