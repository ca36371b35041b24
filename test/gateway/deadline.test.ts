/**
 * The request-wide deadline (`GATEWAY_REQUEST_TIMEOUT_MS`) and cancellation when the client goes
 * away (`src/gateway/request-signal.ts`, followed by `WorkDocsCaller`): the request's calls in
 * flight are aborted, no further call is sent, and the fields fail with REQUEST_TIMEOUT — not
 * retryable for a write whose outcome is then unknown. The assertions are on what a client and
 * WorkDocs see (codes, calls received), not on how the caller passes its signal to the SDK.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, test } from 'vitest';
import { loadGatewayConfig } from '../../src/config.js';
import { createGatewayServer, type GatewayServer } from '../../src/gateway/server.js';
import { useStack } from '../helpers/stack.js';
import { sdkClient, uploadDocument } from '../helpers/workdocs.js';

const stack = useStack(
  { gateway: { requestTimeoutMs: 400, maxConcurrentUpstreamCalls: 1 } },
  { resetChaosBeforeEach: true },
);

/** Makes these operations of WorkDocs Local answer after `ms` (far beyond the deadline). */
async function slow(operations: string | string[], ms = 5_000): Promise<void> {
  const list = Array.isArray(operations) ? operations : [operations];
  await stack.control(
    'POST',
    '/_local/chaos/effects',
    list.map((operation) => ({ operation, latencyMs: ms })),
  );
}

async function aDocument(): Promise<{ documentId: string; versionId: string }> {
  return uploadDocument(sdkClient(stack.local), stack.local.demoToken, {
    parentFolderId: stack.local.demoRootFolderId,
    name: `d-${String(Math.random()).slice(2)}.txt`,
    body: 'x',
  });
}

describe('GATEWAY_REQUEST_TIMEOUT_MS', () => {
  test('a read in flight at the deadline is aborted → REQUEST_TIMEOUT (retryable); the next call is never sent', async () => {
    const { documentId } = await aDocument();
    await stack.resetChaos();
    await slow('GetDocument');
    const res = await stack.graphql(
      'query ($id: ID!) { document(id: $id) { id creator { id } } }',
      { id: documentId },
      stack.local.demoToken,
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ document: null });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]?.path).toEqual(['document']);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'REQUEST_TIMEOUT',
      httpStatus: 504,
      retryable: true,
    });
    expect(res.body.errors?.[0]?.message).toBe(
      'The request did not complete within 400 ms (GATEWAY_REQUEST_TIMEOUT_MS)',
    );
    expect(await stack.stats()).toEqual({ GetDocument: 1 });
  });

  test('calls waiting for their turn when the deadline passes are never sent', async () => {
    await slow(['GetFolder', 'GetDocumentVersion', 'GetDocument']);
    const root = stack.local.demoRootFolderId;
    // One call at a time (GATEWAY_MAX_CONCURRENT_UPSTREAM_CALLS=1): b and c wait behind a.
    const res = await stack.graphql(
      `query ($id: ID!) {
        a: folder(id: $id) { id }
        b: documentVersion(documentId: "d-1", versionId: "v-1") { id }
        c: document(id: "d-2") { id }
      }`,
      { id: root },
      stack.local.demoToken,
    );
    expect(res.body.data).toEqual({ a: null, b: null, c: null });
    expect(res.body.errors?.map((e) => [e.path?.[0], e.extensions?.code]).sort()).toEqual([
      ['a', 'REQUEST_TIMEOUT'],
      ['b', 'REQUEST_TIMEOUT'],
      ['c', 'REQUEST_TIMEOUT'],
    ]);
    // Whichever started first was sent (and aborted); the two waiting behind it never were.
    const stats = await stack.stats();
    expect(Object.values(stats)).toEqual([1]);
  });

  test('a write in flight at the deadline: REQUEST_TIMEOUT, not retryable, says how to find out; no follow-up read', async () => {
    const { documentId, versionId } = await aDocument();
    await stack.resetChaos();
    await slow('UpdateDocumentVersion');
    const res = await stack.graphql(
      `mutation ($d: ID!, $v: ID!) { completeDocumentVersionUpload(documentId: $d, versionId: $v) {
        __typename
      } }`,
      { d: documentId, v: versionId },
      stack.local.demoToken,
    );
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'REQUEST_TIMEOUT',
      httpStatus: 504,
      retryable: false,
    });
    expect(res.body.errors?.[0]?.message).toBe(
      'The request did not complete within 400 ms (GATEWAY_REQUEST_TIMEOUT_MS). Whether UpdateDocumentVersion took effect is unknown: read the document or folder to find out before sending it again.',
    );
    expect(await stack.stats()).toEqual({ UpdateDocumentVersion: 1 });
  });
});

describe('a client that goes away', () => {
  const lines: Record<string, unknown>[] = [];
  let gateway: GatewayServer | undefined;
  afterAll(async () => {
    await gateway?.close();
  });

  test("aborts the request's call in flight (REQUEST_CANCELLED) and sends nothing after it", async () => {
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
          done();
        },
      }),
    );
    gateway = await createGatewayServer(
      {
        ...loadGatewayConfig({}),
        port: 0,
        host: '127.0.0.1',
        workdocsEndpoint: stack.local.endpoint,
        region: stack.local.region,
      },
      {
        logger,
        credentials: {
          accessKeyId: stack.local.accessKeyId,
          secretAccessKey: stack.local.secretAccessKey,
        },
      },
    );
    const { documentId } = await aDocument();
    await stack.resetChaos();
    await slow('GetDocument', 30_000);
    const client = new AbortController();
    const request = fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${stack.local.demoToken}`,
      },
      body: JSON.stringify({
        query: 'query ($id: ID!) { document(id: $id) { id creator { id } } }',
        variables: { id: documentId },
      }),
      signal: client.signal,
    }).catch((err: unknown) => err);
    await expect.poll(() => stack.stats(), { timeout: 10_000 }).toEqual({ GetDocument: 1 });
    client.abort();
    await request;
    await expect
      .poll(() => lines.find((l) => l.msg === 'workdocs call failed'), { timeout: 10_000 })
      .toMatchObject({ operation: 'GetDocument', code: 'REQUEST_CANCELLED', retrying: false });
    expect(await stack.stats()).toEqual({ GetDocument: 1 });
  });
});
