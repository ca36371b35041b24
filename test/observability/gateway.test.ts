/**
 * The gateway's operability over real HTTP against WorkDocs Local: /metrics after a known
 * sequence (exact increments and labels), request ids (header, logs, error extensions), the
 * access log, and label bounds against hostile operation names.
 */
import { Trace } from '@apollo/usage-reporting-protobuf';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { GatewayServer } from '../../src/gateway/server.js';
import type { WorkDocsLocal } from '../../src/workdocs-local/index.js';
import { startTestWorkDocsLocal } from '../helpers/workdocs.js';
import {
  baseOf,
  capturingLogger,
  changed,
  graphql,
  sample,
  scrape,
  startGateway,
  type LogLine,
} from './helpers.js';

const INITIATE = `mutation Init($input: InitiateDocumentVersionUploadInput!) {
  initiateDocumentVersionUpload(input: $input) {
    __typename
    ... on UserError { code }
  }
}`;
const INITIATE_MISSING = INITIATE.replace('mutation Init(', 'mutation InitMissing(');
const DOCUMENT = `query Doc($id: ID!) { document(id: $id) { id } }`;
const SLOW = `query Slow($id: ID!) { folder(id: $id) { id } }`;

let dataDir: string;
let local: WorkDocsLocal;
let gateway: GatewayServer;
const gatewayLog = capturingLogger('info');

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-obs-'));
  local = await startTestWorkDocsLocal(dataDir);
  gateway = await startGateway(
    local,
    { timeoutMs: 1500, metricsMaxOperationNames: 6 },
    { logger: gatewayLog.logger },
  );
});

afterAll(async () => {
  await gateway.close();
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
});

const auth = (): Record<string, string> => ({ authorization: `Bearer ${local.demoToken}` });

async function control(method: string, p: string, body?: unknown): Promise<void> {
  const res = await fetch(`${local.endpoint}${p}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${p} → ${String(res.status)}: ${await res.text()}`);
}

const input = (parentFolderId: string): Record<string, unknown> => ({
  input: { name: `m-${String(Math.random())}.txt`, contentType: 'text/plain', parentFolderId },
});

describe('/metrics', () => {
  test('after one success, one user error, one top-level error and one upstream timeout: exact increments and labels', async () => {
    const before = await scrape(baseOf(gateway));

    const ok = await graphql(gateway, INITIATE, input(local.demoRootFolderId), auth());
    expect(ok.body.data?.initiateDocumentVersionUpload).toMatchObject({
      __typename: 'InitiateDocumentVersionUploadPayload',
    });

    const missing = await graphql(gateway, INITIATE_MISSING, input('nosuchfolder0000'), auth());
    expect(missing.body.data?.initiateDocumentVersionUpload).toEqual({
      __typename: 'EntityNotExistsError',
      code: 'ENTITY_NOT_EXISTS',
    });

    const doc = await graphql(gateway, DOCUMENT, { id: 'nosuchdocument00' }, auth());
    expect(doc.body.errors?.[0]?.extensions?.code).toBe('ENTITY_NOT_EXISTS');

    await control('POST', '/_local/chaos/effects', { operation: 'GetFolder', latencyMs: 4000 });
    try {
      const slow = await graphql(gateway, SLOW, { id: local.demoRootFolderId }, auth());
      expect(slow.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_TIMEOUT');
    } finally {
      await control('DELETE', '/_local/chaos/effects');
    }

    const after = await scrape(baseOf(gateway));
    const req = (name: string, type: string, outcome: string, code: string): string =>
      sample('graphql_requests_total', {
        operation_name: name,
        operation_type: type,
        outcome,
        code,
      });
    expect(changed(before, after, 'graphql_requests_total')).toEqual({
      [req('Init', 'mutation', 'ok', 'none')]: 1,
      [req('InitMissing', 'mutation', 'user_error', 'EntityNotExistsError')]: 1,
      [req('Doc', 'query', 'error', 'ENTITY_NOT_EXISTS')]: 1,
      [req('Slow', 'query', 'error', 'UPSTREAM_TIMEOUT')]: 1,
    });
    const call = (operation: string, outcome: string): string =>
      sample('workdocs_calls_total', { operation, outcome });
    expect(changed(before, after, 'workdocs_calls_total')).toEqual({
      [call('InitiateDocumentVersionUpload', 'ok')]: 1,
      [call('InitiateDocumentVersionUpload', 'EntityNotExistsException')]: 1,
      [call('GetDocument', 'EntityNotExistsException')]: 1,
      [call('GetFolder', 'UPSTREAM_TIMEOUT')]: 1,
    });
    const count = (name: string, type: string, outcome: string): string =>
      sample('graphql_request_duration_seconds_count', {
        operation_name: name,
        operation_type: type,
        outcome,
      });
    expect(changed(before, after, 'graphql_request_duration_seconds_count')).toEqual({
      [count('Init', 'mutation', 'ok')]: 1,
      [count('InitMissing', 'mutation', 'user_error')]: 1,
      [count('Doc', 'query', 'error')]: 1,
      [count('Slow', 'query', 'error')]: 1,
    });
    const callCount = (operation: string, outcome: string): string =>
      sample('workdocs_call_duration_seconds_count', { operation, outcome });
    expect(changed(before, after, 'workdocs_call_duration_seconds_count')).toEqual({
      [callCount('InitiateDocumentVersionUpload', 'ok')]: 1,
      [callCount('InitiateDocumentVersionUpload', 'error')]: 1,
      [callCount('GetDocument', 'error')]: 1,
      [callCount('GetFolder', 'error')]: 1,
    });
    // The timed-out call took at least the deadline.
    const slowSum =
      (after.get(
        sample('workdocs_call_duration_seconds_sum', { operation: 'GetFolder', outcome: 'error' }),
      ) ?? 0) -
      (before.get(
        sample('workdocs_call_duration_seconds_sum', { operation: 'GetFolder', outcome: 'error' }),
      ) ?? 0);
    expect(slowSum).toBeGreaterThanOrEqual(1.5);
    expect(changed(before, after, 'workdocs_call_retries_total')).toEqual({});
    expect(after.get('graphql_requests_in_flight')).toBe(0);
    // Process metrics are there too.
    expect(after.has('process_cpu_user_seconds_total')).toBe(true);
  });

  test('a read retried after a transient failure counts its retries', async () => {
    const before = await scrape(baseOf(gateway));
    await control('POST', '/_local/chaos/faults', {
      operation: 'GetDocument',
      error: { code: 'ServiceUnavailableException' },
      count: 1,
    });
    const doc = await graphql(gateway, DOCUMENT, { id: 'nosuchdocument01' }, auth());
    expect(doc.body.errors?.[0]?.extensions?.code).toBe('ENTITY_NOT_EXISTS');
    const after = await scrape(baseOf(gateway));
    expect(changed(before, after, 'workdocs_call_retries_total')).toEqual({
      [sample('workdocs_call_retries_total', { operation: 'GetDocument' })]: 1,
    });
    expect(changed(before, after, 'workdocs_calls_total')).toEqual({
      [sample('workdocs_calls_total', {
        operation: 'GetDocument',
        outcome: 'EntityNotExistsException',
      })]: 1,
    });
  });

  test('client-chosen strings never become labels: anonymous, invalid, and names beyond the cap', async () => {
    const before = await scrape(baseOf(gateway));
    // Anonymous → (unnamed); a document that does not validate → (none), whatever it is called.
    await graphql(gateway, '{ __typename }', {});
    await graphql(gateway, 'query Evil { nosuchfield }', {});
    await graphql(gateway, '{', {});
    // 10 distinct valid names; the cap is 6 names per process (3 used above: Init…, Doc, Slow).
    for (let i = 0; i < 10; i++) await graphql(gateway, `query Q${String(i)} { __typename }`, {});
    const after = await scrape(baseOf(gateway));
    const delta = changed(before, after, 'graphql_requests_total');
    const names = Object.keys(delta).map((k) => /operation_name="([^"]*)"/.exec(k)?.[1]);
    expect(new Set(names)).toEqual(new Set(['(unnamed)', '(none)', 'Q0', 'Q1', '(other)']));
    expect(
      delta[
        sample('graphql_requests_total', {
          operation_name: '(other)',
          operation_type: 'query',
          outcome: 'ok',
          code: 'none',
        })
      ],
    ).toBe(8);
    expect(
      delta[
        sample('graphql_requests_total', {
          operation_name: '(none)',
          operation_type: '(none)',
          outcome: 'error',
          code: 'GRAPHQL_VALIDATION_FAILED',
        })
      ],
    ).toBe(1);
    expect(
      delta[
        sample('graphql_requests_total', {
          operation_name: '(none)',
          operation_type: '(none)',
          outcome: 'error',
          code: 'GRAPHQL_PARSE_FAILED',
        })
      ],
    ).toBe(1);
  });

  test('a call refused by the budget is a budget refusal, not a WorkDocs call', async () => {
    const small = await startGateway(local, { maxUpstreamCalls: 1 });
    try {
      const before = await scrape(baseOf(small));
      const res = await graphql(
        small,
        'query Two($id: ID!) { a: folder(id: $id) { id } b: document(id: "nosuchdocument09") { id } }',
        { id: local.demoRootFolderId },
        auth(),
      );
      expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['REQUEST_BUDGET_EXCEEDED']);
      const after = await scrape(baseOf(small));
      expect(changed(before, after, 'workdocs_budget_refusals_total')).toEqual({
        [sample('workdocs_budget_refusals_total', { budget: 'calls' })]: 1,
      });
      expect(changed(before, after, 'workdocs_calls_total')).toEqual({
        [sample('workdocs_calls_total', { operation: 'GetFolder', outcome: 'ok' })]: 1,
      });
    } finally {
      await small.close();
    }
  });

  test('HEAD works and other methods are refused', async () => {
    expect((await fetch(`${baseOf(gateway)}/metrics`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${baseOf(gateway)}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('docs', () => {
  test("every metric the Grafana dashboard and the README's Operations section name is served", async () => {
    const gatewayText = await (await fetch(`${baseOf(gateway)}/metrics`)).text();
    const localText = await (await fetch(`${local.endpoint}/metrics`)).text();
    const served = new Set(
      [...`${gatewayText}\n${localText}`.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]),
    );
    const dashboard = await readFile(
      new URL('../../docs/grafana/workdocs-graphql.json', import.meta.url),
      'utf8',
    );
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const operations = readme.slice(readme.indexOf('## Operations'));
    const named = new Set(
      [
        ...`${dashboard}\n${operations}`.matchAll(
          /\b((?:graphql|workdocs|process|nodejs)_[a-z0-9_]+)/g,
        ),
      ]
        .map((m) => (m[1] ?? '').replace(/_(bucket|sum|count)$/, ''))
        .filter((name) => !/^workdocs_(local_)?$/.test(name) && !name.endsWith('_')),
    );
    expect(named.size).toBeGreaterThan(10);
    expect([...named].filter((name) => !served.has(name))).toEqual([]);
  });
});

describe('request ids', () => {
  const linesOf = (id: string): LogLine[] => gatewayLog.lines.filter((l) => l.reqId === id);

  test("the caller's valid x-request-id is returned, logged on the access line, and in every error's extensions", async () => {
    const id = 'req-0123456789abcdef';
    const res = await graphql(
      gateway,
      DOCUMENT,
      { id: 'nosuchdocument02' },
      {
        ...auth(),
        'x-request-id': id,
      },
    );
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'ENTITY_NOT_EXISTS',
      gatewayRequestId: id,
    });
    expect(typeof res.body.errors?.[0]?.extensions?.requestId).toBe('string');
    await expect.poll(() => linesOf(id).some((l) => l.msg === 'request')).toBe(true);
    const access = linesOf(id).find((l) => l.msg === 'request');
    expect(access).toMatchObject({
      level: 30,
      reqId: id,
      method: 'POST',
      operationName: 'Doc',
      operationType: 'query',
      status: 200,
      workdocsCalls: 1,
      outcome: 'error',
      code: 'ENTITY_NOT_EXISTS',
    });
    expect(typeof access?.ms).toBe('number');
    // Nothing secret on any line of the request.
    const text = JSON.stringify(linesOf(id));
    expect(text).not.toContain(local.demoToken);
    expect(text).not.toContain('nosuchdocument02');
  });

  test.each([
    ['too long', 'a'.repeat(129)],
    ['bad characters', 'id with spaces'],
    ['a log-injection attempt', 'x"\\n{"level":60}'],
  ])('an invalid x-request-id (%s) is replaced by a new one', async (_what, value) => {
    const res = await graphql(gateway, '{ __typename }', {}, { 'x-request-id': value });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(gatewayLog.lines.some((l) => JSON.stringify(l).includes(value))).toBe(false);
  });

  test('errors made before execution carry it too: malformed Authorization, invalid JSON, validation', async () => {
    const badAuth = await graphql(
      gateway,
      '{ __typename }',
      {},
      {
        authorization: 'Basic abc',
        'x-request-id': 'r-auth',
      },
    );
    expect(badAuth.status).toBe(401);
    expect(badAuth.body.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      gatewayRequestId: 'r-auth',
    });
    const badJson = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'r-json' },
      body: '{',
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as Answer).errors?.[0]?.extensions).toEqual({
      code: 'BAD_REQUEST',
      gatewayRequestId: 'r-json',
    });
    const invalid = await graphql(gateway, '{ nosuchfield }', {}, { 'x-request-id': 'r-val' });
    expect(invalid.body.errors?.[0]?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      gatewayRequestId: 'r-val',
    });
    await expect
      .poll(() =>
        ['r-auth', 'r-json', 'r-val'].map(
          (id) => linesOf(id).find((l) => l.msg === 'request')?.code,
        ),
      )
      .toEqual(['UNAUTHENTICATED', 'BAD_REQUEST', 'GRAPHQL_VALIDATION_FAILED']);
  });

  test('every answer has one, /health included; CORS exposes it', async () => {
    const res = await fetch(`${baseOf(gateway)}/health`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
  });
});

describe('federation inline traces', () => {
  test('ftv1 is still returned to a router that asks for it, with a node per resolved field', async () => {
    // The same operation twice without a trace first: it is then compiled, and cached.
    for (let i = 0; i < 2; i++) {
      const plain = await graphql(gateway, '{ _service { sdl } }', {});
      expect(plain.body.extensions?.ftv1).toBeUndefined();
    }
    const res = await graphql(
      gateway,
      '{ _service { sdl } }',
      {},
      {
        'apollo-federation-include-trace': 'ftv1',
      },
    );
    expect(typeof res.body.extensions?.ftv1).toBe('string');
    // Fields are recorded through Apollo's resolver instrumentation: such requests are executed by
    // graphql-js, not by the compiled queries (src/gateway/executor.ts).
    const trace = Trace.decode(Buffer.from(res.body.extensions?.ftv1 as string, 'base64'));
    const service = trace.root?.child?.find((c) => c.responseName === '_service');
    expect(service?.type).toBe('_Service!');
    expect(service?.child?.map((c) => c.responseName)).toEqual(['sdl']);
  });
});

interface Answer {
  errors?: { extensions?: Record<string, unknown> }[];
}
