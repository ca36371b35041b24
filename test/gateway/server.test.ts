/**
 * The gateway's HTTP server and its failure modes, over real HTTP against WorkDocs Local:
 * authentication, service credentials, deadline, unreachable upstream, production mode, /health,
 * the Sandbox landing page and CSRF prevention.
 */
import http from 'node:http';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { loadGatewayConfig, type GatewayConfig } from '../../src/config.js';
import { createGatewayServer, type GatewayServer } from '../../src/gateway/server.js';
import { useStack, type GraphQLBody } from '../helpers/stack.js';

const INITIATE = `mutation($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    __typename
    ... on InitiateDocumentVersionUploadPayload { metadata { id creatorId } }
    ... on UserError { code message }
  }
}`;

const stack = useStack({}, { resetChaosBeforeEach: true });
const extra: GatewayServer[] = [];
// Registered after useStack, so it runs before the stack closes.
afterAll(async () => {
  await Promise.all(extra.map((g) => g.close()));
});

/** Another gateway on the same WorkDocs Local, with config overrides. */
async function gatewayWith(
  overrides: Partial<GatewayConfig>,
  logger = pino({ level: 'silent' }),
): Promise<GatewayServer> {
  const config: GatewayConfig = {
    ...loadGatewayConfig({}),
    port: 0,
    host: '127.0.0.1',
    workdocsEndpoint: stack.local.endpoint,
    region: stack.local.region,
    logLevel: 'silent',
    ...overrides,
  };
  const g = await createGatewayServer(config, {
    logger,
    credentials: {
      accessKeyId: stack.local.accessKeyId,
      secretAccessKey: stack.local.secretAccessKey,
    },
  });
  extra.push(g);
  return g;
}

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLBody }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GraphQLBody };
}

const input = (): Record<string, unknown> => ({
  input: {
    name: `f-${String(Math.random()).slice(2)}.txt`,
    parentFolderId: stack.local.demoRootFolderId,
  },
});

describe('authentication', () => {
  test('no token → UNAUTHENTICATED, and no upstream call', async () => {
    const { status, body } = await stack.graphql(INITIATE, input());
    expect(status).toBe(200);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      httpStatus: 401,
      retryable: false,
      requestId: null,
    });
    expect(body.errors?.[0]?.message).toContain('Authorization: Bearer');
    expect(await stack.stats()).toEqual({});
  });

  test('a malformed Authorization header → 401 UNAUTHENTICATED', async () => {
    const { status, body } = await post(stack.gatewayUrl, INITIATE, input(), {
      authorization: 'Basic dXNlcjpwYXNz',
    });
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await stack.stats()).toEqual({});
  });

  test('a token WorkDocs does not know → UNAUTHENTICATED (sign in again), WorkDocs exception kept', async () => {
    const { body } = await stack.graphql(INITIATE, input(), 'not-a-real-token');
    expect(body.data).toBeNull();
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]?.message).toBe(
      'WorkDocs refused the token (expired, revoked or unknown): sign in again and send the new token as `Authorization: Bearer <token>`.',
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      httpStatus: 401,
      retryable: false,
      exception: 'UnauthorizedResourceAccessException',
      requestId: expect.any(String) as unknown,
    });
    // The write, then one GetCurrentUser that tells the token itself is refused.
    expect(await stack.stats()).toEqual({ InitiateDocumentVersionUpload: 1, GetCurrentUser: 1 });
  });

  test("a valid token refused one resource keeps UNAUTHORIZED_RESOURCE_ACCESS (it is not the token's fault)", async () => {
    await stack.control('POST', '/_local/chaos/faults', [
      {
        operation: 'GetDocument',
        error: { code: 'UnauthorizedResourceAccessException', message: 'not yours' },
        count: 1,
      },
    ]);
    const { body } = await stack.graphql(
      '{ document(id: "someone-elses") { id } }',
      {},
      stack.local.demoToken,
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHORIZED_RESOURCE_ACCESS',
      httpStatus: 404,
      retryable: false,
      exception: 'UnauthorizedResourceAccessException',
    });
    expect(await stack.stats()).toEqual({ GetDocument: 1, GetCurrentUser: 1 });
  });

  test('WORKDOCS_ALLOW_SERVICE_CREDENTIALS=true: no token → the call goes out as administrator', async () => {
    const g = await gatewayWith({ allowServiceCredentials: true });
    const { body } = await post(g.url, INITIATE, input());
    expect(body.errors).toBeUndefined();
    expect(body.data?.initiateDocumentVersionUpload).toMatchObject({
      __typename: 'InitiateDocumentVersionUploadPayload',
      metadata: { id: expect.any(String) as unknown },
    });
    expect((await stack.stats()).InitiateDocumentVersionUpload).toBe(1);
  });
});

describe('upstream failures', () => {
  test('WorkDocs slower than the deadline → UPSTREAM_TIMEOUT', async () => {
    const g = await gatewayWith({ timeoutMs: 150 });
    await stack.control('POST', '/_local/chaos/effects', {
      operation: 'InitiateDocumentVersionUpload',
      latencyMs: 1500,
    });
    const { body } = await post(g.url, INITIATE, input(), {
      authorization: `Bearer ${stack.local.demoToken}`,
    });
    expect(body.data).toBeNull();
    // A write whose outcome is unknown: not retryable, and the message says how to find out.
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_TIMEOUT',
      httpStatus: 504,
      retryable: false,
    });
    expect(body.errors?.[0]?.message).toBe(
      'WorkDocs did not answer InitiateDocumentVersionUpload within 150 ms. Whether InitiateDocumentVersionUpload took effect is unknown: read the document or folder to find out before sending it again.',
    );
  });

  test('a dropped response → UPSTREAM_UNREACHABLE', async () => {
    await stack.control('POST', '/_local/chaos/effects', {
      operation: 'InitiateDocumentVersionUpload',
      drop: true,
    });
    const { body } = await stack.graphql(INITIATE, input(), stack.local.demoToken);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_UNREACHABLE',
      httpStatus: 502,
      retryable: false,
    });
    expect(body.errors?.[0]?.message).toMatch(
      /Whether InitiateDocumentVersionUpload took effect is unknown: read the document or folder to find out before sending it again\.$/,
    );
  });

  test('retries: a write is sent once even when its response is lost or retryable; a read is tried 3 times', async () => {
    const auth = stack.local.demoToken;
    await stack.control('POST', '/_local/chaos/effects', {
      operation: 'InitiateDocumentVersionUpload',
      drop: true,
    });
    const lost = await stack.graphql(INITIATE, input(), auth);
    expect(lost.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNREACHABLE');
    await stack.control('DELETE', '/_local/chaos/effects');
    await stack.control('POST', '/_local/chaos/faults', [
      {
        operation: 'InitiateDocumentVersionUpload',
        error: { code: 'ServiceUnavailableException' },
      },
    ]);
    const busy = await stack.graphql(INITIATE, input(), auth);
    expect(busy.body.errors?.[0]?.extensions).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      retryable: true,
    });
    // Two refused initiations, each sent exactly once: no duplicate document can arise.
    expect((await stack.stats()).InitiateDocumentVersionUpload).toBe(2);

    await stack.control('POST', '/_local/chaos/faults', [
      { operation: 'GetCurrentUser', error: { code: 'ServiceUnavailableException' } },
    ]);
    const read = await stack.graphql('{ me { id } }', {}, auth);
    expect(read.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect((await stack.stats()).GetCurrentUser).toBe(3);
  });

  test('a closed port → UPSTREAM_UNREACHABLE, retryable (the write never left)', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) =>
      probe.close(() => {
        resolve();
      }),
    );
    const g = await gatewayWith({ workdocsEndpoint: `http://127.0.0.1:${String(port)}` });
    const { body } = await post(g.url, INITIATE, input(), {
      authorization: `Bearer ${stack.local.demoToken}`,
    });
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_UNREACHABLE',
      httpStatus: 502,
      retryable: true,
    });
    // Refused connection: the write provably never reached WorkDocs, so sending it again is safe.
    expect(body.errors?.[0]?.message).toBe(
      `WorkDocs could not be reached for InitiateDocumentVersionUpload (ECONNREFUSED)`,
    );
  });
});

describe('throttling is THROTTLED (retryable), not a masked internal error', () => {
  test.each([
    ['ThrottlingException, HTTP 400', 'ThrottlingException', 400],
    ['a proxy answering 429', 'TooManyRequests', 429],
    ['RequestLimitExceeded, HTTP 503', 'RequestLimitExceeded', 503],
  ])(
    '%s → THROTTLED, retryable, for a write too (it was not processed)',
    async (_why, code, statusCode) => {
      await stack.control('POST', '/_local/chaos/faults', [
        {
          operation: 'InitiateDocumentVersionUpload',
          error: { code, statusCode, message: 'slow down' },
          count: 1,
        },
      ]);
      const { body } = await stack.graphql(INITIATE, input(), stack.local.demoToken);
      expect(body.data).toBeNull();
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'THROTTLED',
        httpStatus: statusCode,
        retryable: true,
        exception: code,
      });
      expect(body.errors?.[0]?.message).toBe(
        `WorkDocs throttled the request (${code}, HTTP ${String(statusCode)}): retry later, more slowly`,
      );
      expect((await stack.stats()).InitiateDocumentVersionUpload).toBe(1);
    },
  );

  test("WorkDocs' own LimitExceededException stays LIMIT_EXCEEDED (not throttling)", async () => {
    await stack.control('POST', '/_local/chaos/faults', [
      {
        operation: 'InitiateDocumentVersionUpload',
        error: { code: 'LimitExceededException', message: 'too many children' },
        count: 1,
      },
    ]);
    const { body } = await stack.graphql(INITIATE, input(), stack.local.demoToken);
    expect(body.data?.initiateDocumentVersionUpload).toEqual({
      __typename: 'LimitExceededError',
      code: 'LIMIT_EXCEEDED',
      message: 'too many children',
    });
  });
});

describe('production mode', () => {
  test('no stack traces, internal messages hidden, no introspection, no landing page', async () => {
    const prod = await gatewayWith({ production: true });
    // An exception the model does not know: the gateway cannot classify it → INTERNAL_SERVER_ERROR.
    await stack.control('POST', '/_local/chaos/faults', [
      {
        operation: 'InitiateDocumentVersionUpload',
        error: { code: 'SecretInternalThingException', statusCode: 400, message: 'db at 10.0.0.7' },
        count: 2,
      },
    ]);
    const auth = { authorization: `Bearer ${stack.local.demoToken}` };
    const prodAnswer = await post(prod.url, INITIATE, input(), auth);
    const prodError = prodAnswer.body.errors?.[0];
    expect(prodError?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', httpStatus: 400 });
    expect(prodError?.extensions?.stacktrace).toBeUndefined();
    expect(prodError?.message).toBe('Internal server error');
    expect(JSON.stringify(prodAnswer.body)).not.toContain('10.0.0.7');

    // Development shows the details (the contrast proves the test can fail).
    const devAnswer = await stack.graphql(INITIATE, input(), stack.local.demoToken);
    const devError = devAnswer.body.errors?.[0];
    expect(devError?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(devError?.extensions?.stacktrace).toEqual(expect.any(Array));
    expect(devError?.message).toContain('SecretInternalThingException');

    // A typed upstream error keeps its message but loses its stack trace.
    await stack.control('POST', '/_local/chaos/faults', [
      {
        operation: 'InitiateDocumentVersionUpload',
        error: { code: 'ServiceUnavailableException' },
        count: 1,
      },
    ]);
    const typed = await post(prod.url, INITIATE, input(), auth);
    expect(typed.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(typed.body.errors?.[0]?.extensions?.stacktrace).toBeUndefined();

    // An unknown upstream 5xx (a proxy's) to a write: SERVICE_UNAVAILABLE, outcome unknown so not
    // retryable, its text kept out of the answer.
    await stack.control('POST', '/_local/chaos/faults', [
      {
        operation: 'InitiateDocumentVersionUpload',
        error: {
          code: 'ProxyMeltdownException',
          statusCode: 502,
          message: 'upstream host db-seven.internal',
        },
        count: 1,
      },
    ]);
    const unknown = await post(prod.url, INITIATE, input(), auth);
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      httpStatus: 502,
      retryable: false,
    });
    expect(unknown.body.errors?.[0]?.message).toBe(
      'WorkDocs is unavailable, and whether the change took effect is unknown: read the document or folder to find out before sending it again',
    );
    expect(JSON.stringify(unknown.body)).not.toContain('db-seven');

    const introspection = await post(prod.url, '{ __schema { queryType { name } } }', {});
    expect(introspection.body.errors?.[0]?.message).toMatch(/introspection/i);

    const page = await fetch(prod.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox/i);
  });
});

describe("malformed requests are the client's error, not INTERNAL_SERVER_ERROR", () => {
  test('a persisted-query hash that does not match the query → 400 BAD_REQUEST, message kept in production', async () => {
    const prod = await gatewayWith({ production: true });
    const res = await fetch(prod.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as GraphQLBody;
    expect(body.errors?.[0]?.message).toBe('provided sha does not match query');
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_REQUEST',
      gatewayRequestId: expect.any(String) as string,
    });
  });

  test('a subscription (this subgraph has none) → 400 GRAPHQL_VALIDATION_FAILED, message kept in production', async () => {
    const prod = await gatewayWith({ production: true });
    const { status, body } = await post(prod.url, 'subscription { __typename }', {});
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/subscription/i);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('HTTP routes', () => {
  test('GET /health → 200 JSON', async () => {
    const res = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/health'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test.each(['/graphql', '/'])(
    'GET %s with Accept: text/html → the Apollo Sandbox landing page',
    async (p) => {
      const res = await fetch(stack.gatewayUrl.replace(/\/graphql$/, p), {
        headers: { accept: 'text/html' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('<!DOCTYPE html>');
      expect(html).toMatch(/sandbox/i);
    },
  );

  test('POST / serves GraphQL too', async () => {
    const { status, body } = await post(
      stack.gatewayUrl.replace(/\/graphql$/, '/'),
      '{ __typename }',
      {},
    );
    expect(status).toBe(200);
    expect(body.data).toEqual({ __typename: 'Query' });
  });

  test('CSRF prevention: a simple (text/plain) POST is refused and nothing runs', async () => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${stack.local.demoToken}` },
      body: JSON.stringify({ query: INITIATE, variables: input() }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF|preflight/i);
    expect(await stack.stats()).toEqual({});
  });

  test('CORS preflight is answered', async () => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
  });

  test('unknown paths → 404; invalid JSON → 400; the server keeps serving', async () => {
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const bad = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      errors: [
        {
          message: 'The request body is not valid JSON',
          extensions: { code: 'BAD_REQUEST', gatewayRequestId: expect.any(String) as string },
        },
      ],
    });
    expect((await post(stack.gatewayUrl, '{ __typename }', {})).status).toBe(200);
  });

  test('a body over 1 MiB → 413', async () => {
    const res = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `{ __typename }`,
        variables: { pad: 'x'.repeat(1100 * 1024) },
      }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as GraphQLBody;
    expect(body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_REQUEST',
      gatewayRequestId: expect.any(String) as string,
    });
    expect(body.errors?.[0]?.message).toContain('larger than');
  });
});

describe('secrets', () => {
  test('tokens and upload URLs never reach the log, even at trace level', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logged += chunk.toString();
        callback();
      },
    });
    const g = await gatewayWith({ logLevel: 'trace' }, pino({ level: 'trace' }, sink));
    const token = stack.local.demoToken;
    const auth = { authorization: `Bearer ${token}` };
    const ok = await post(
      g.url,
      `mutation($input: InitiateDocumentVersionUploadInput!) {
        initiateDocumentVersionUpload(input: $input) {
          ... on InitiateDocumentVersionUploadPayload { uploadMetadata { uploadUrl } }
        }
      }`,
      input(),
      auth,
    );
    const uploadUrl = (
      ok.body.data?.initiateDocumentVersionUpload as { uploadMetadata: { uploadUrl: string } }
    ).uploadMetadata.uploadUrl;
    await stack.control('POST', '/_local/chaos/faults', [
      {
        operation: 'InitiateDocumentVersionUpload',
        error: { code: 'WeirdException', statusCode: 500 },
        count: 1,
      },
    ]);
    await post(g.url, INITIATE, input(), auth);
    await post(g.url, INITIATE, input(), { authorization: 'Bearer' });
    expect(logged).toContain('workdocs call'); // the log is really captured
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(new URL(uploadUrl).search.slice(1));
  });
});
