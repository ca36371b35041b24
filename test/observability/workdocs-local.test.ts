/**
 * One request followed across both services, and WorkDocs Local's own operability:
 * - an `x-request-id` from the gateway's response header through the gateway's log lines into
 *   WorkDocs Local's (whose `requestId` is the one the gateway's error reports);
 * - traces: the gateway's operation span → its WorkDocs call span → WorkDocs Local's span, one
 *   trace continued through `traceparent` (in-memory exporters), and a real OTLP/HTTP export;
 * - WorkDocs Local's `/metrics`: requests by operation and status, bytes up and down, chaos.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { GetDocumentCommand, GetDocumentVersionCommand } from '@aws-sdk/client-workdocs';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { GatewayServer } from '../../src/gateway/server.js';
import { Telemetry } from '../../src/observability/telemetry.js';
import type { WorkDocsLocal } from '../../src/workdocs-local/index.js';
import { sdkClient, startTestWorkDocsLocal, uploadDocument } from '../helpers/workdocs.js';
import {
  capturingLogger,
  changed,
  graphql,
  parseMetrics,
  sample,
  startGateway,
} from './helpers.js';

const DOCUMENT = `query Doc($id: ID!) { document(id: $id) { id } }`;

let dataDir: string;
let local: WorkDocsLocal;
let gateway: GatewayServer;
const gatewayLog = capturingLogger('info');
const localLog = capturingLogger('info');
const gatewaySpans = new InMemorySpanExporter();
const localSpans = new InMemorySpanExporter();

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-obs-local-'));
  local = await startTestWorkDocsLocal(dataDir, {
    logger: localLog.logger,
    telemetry: Telemetry.create({ serviceName: 'workdocs-local', exporter: localSpans }),
  });
  gateway = await startGateway(
    local,
    {},
    {
      logger: gatewayLog.logger,
      telemetry: Telemetry.create({ serviceName: 'workdocs-graphql', exporter: gatewaySpans }),
    },
  );
});

afterAll(async () => {
  await gateway.close();
  await local.close();
  await rm(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  gatewaySpans.reset();
  localSpans.reset();
});

const auth = (): Record<string, string> => ({ authorization: `Bearer ${local.demoToken}` });

describe('one x-request-id across both services', () => {
  test('response header → every gateway log line of the request → WorkDocs Local log line', async () => {
    const id = 'follow-me-0001';
    const res = await graphql(
      gateway,
      DOCUMENT,
      { id: 'nosuchdocument10' },
      {
        ...auth(),
        'x-request-id': id,
      },
    );
    expect(res.headers.get('x-request-id')).toBe(id);
    const error = res.body.errors?.[0]?.extensions;
    expect(error).toMatchObject({ code: 'ENTITY_NOT_EXISTS', gatewayRequestId: id });
    const workdocsRequestId = error?.requestId;
    expect(typeof workdocsRequestId).toBe('string');

    await expect
      .poll(() => gatewayLog.lines.filter((l) => l.reqId === id).map((l) => l.msg))
      .toContain('request');
    // The gateway's line of the failed call and its access line both carry the id.
    const gatewayLines = gatewayLog.lines.filter((l) => l.reqId === id);
    expect(gatewayLines.map((l) => l.msg)).toEqual(['workdocs call failed', 'request']);
    expect(gatewayLines[0]).toMatchObject({
      operation: 'GetDocument',
      code: 'ENTITY_NOT_EXISTS',
      workdocsRequestId,
    });

    await expect
      .poll(() => localLog.lines.filter((l) => l.reqId === id && l.msg === 'request').length)
      .toBe(1);
    const localLine = localLog.lines.find((l) => l.reqId === id && l.msg === 'request');
    expect(localLine).toMatchObject({
      reqId: id,
      requestId: workdocsRequestId,
      operation: 'GetDocument',
      method: 'GET',
      status: 404,
    });
    // Lines of WorkDocs Local without a caller's id have none; an invalid one is not logged.
    await fetch(`${local.endpoint}/_local/health`, { headers: { 'x-request-id': 'bad id!' } });
    await expect
      .poll(() => localLog.lines.filter((l) => l.path === '/_local/health').length)
      .toBeGreaterThan(0);
    const health = localLog.lines.filter((l) => l.path === '/_local/health').at(-1);
    expect(health?.reqId).toBeUndefined();
    expect(health?.operation).toBe('(control)');
  });
});

const byName = (spans: ReadableSpan[], name: string): ReadableSpan => {
  const span = spans.find((s) => s.name === name);
  if (span === undefined) throw new Error(`no span ${name} in ${spans.map((s) => s.name).join()}`);
  return span;
};

describe('tracing', () => {
  test("operation span → WorkDocs call span → WorkDocs Local's span: one trace via traceparent, continuing the caller's", async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await graphql(
      gateway,
      DOCUMENT,
      { id: 'nosuchdocument11' },
      {
        ...auth(),
        traceparent: `00-${callerTrace}-00f067aa0ba902b7-01`,
      },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('ENTITY_NOT_EXISTS');
    await expect.poll(() => gatewaySpans.getFinishedSpans().length).toBe(2);
    await expect.poll(() => localSpans.getFinishedSpans().length).toBe(1);

    const operation = byName(gatewaySpans.getFinishedSpans(), 'query Doc');
    const call = byName(gatewaySpans.getFinishedSpans(), 'WorkDocs/GetDocument');
    const server = byName(localSpans.getFinishedSpans(), 'WorkDocs/GetDocument');
    expect(operation.kind).toBe(SpanKind.SERVER);
    expect(call.kind).toBe(SpanKind.CLIENT);
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(operation.spanContext().traceId).toBe(callerTrace);
    expect(operation.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(call.spanContext().traceId).toBe(callerTrace);
    expect(call.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
    expect(server.spanContext().traceId).toBe(callerTrace);
    expect(server.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(operation.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Doc',
      'gateway.outcome': 'error',
      'gateway.code': 'ENTITY_NOT_EXISTS',
    });
    expect(call.attributes).toMatchObject({
      'rpc.method': 'GetDocument',
      'http.response.status_code': 404,
    });
    expect(call.attributes['aws.request_id']).toBe(server.attributes['aws.request_id']);
    // WorkDocs Local logs the trace id too.
    const line = localLog.lines.find(
      (l) => l.msg === 'request' && l.requestId === server.attributes['aws.request_id'],
    );
    expect(line?.traceId).toBe(callerTrace);
  });

  test('without a traceparent the gateway starts a new trace; variables never reach a span', async () => {
    await graphql(gateway, DOCUMENT, { id: 'secretdocumentid' }, auth());
    await expect.poll(() => localSpans.getFinishedSpans().length).toBe(1);
    const spans = [...gatewaySpans.getFinishedSpans(), ...localSpans.getFinishedSpans()];
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('secretdocumentid');
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(local.demoToken);
  });

  test.each([
    ['garbage', 'not a traceparent'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an oversized value', `00-${'a'.repeat(5000)}`],
  ])(
    'a hostile traceparent (%s) starts a new trace; the request is served',
    async (_what, value) => {
      const res = await graphql(
        gateway,
        DOCUMENT,
        { id: 'nosuchdocument12' },
        {
          ...auth(),
          traceparent: value,
        },
      );
      expect(res.body.errors?.[0]?.extensions?.code).toBe('ENTITY_NOT_EXISTS');
      await expect.poll(() => localSpans.getFinishedSpans().length).toBe(1);
      const operation = byName(gatewaySpans.getFinishedSpans(), 'query Doc');
      expect(operation.parentSpanContext).toBeUndefined();
      expect(operation.spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      const server = byName(localSpans.getFinishedSpans(), 'WorkDocs/GetDocument');
      expect(server.spanContext().traceId).toBe(operation.spanContext().traceId);
    },
  );

  /** Runs `fn` with an OTLP/HTTP receiver's endpoint; returns what it received. */
  async function withReceiver(
    fn: (endpoint: string) => Promise<void>,
  ): Promise<{ path: string; body: string }[]> {
    const received: { path: string; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = receiver.address() as AddressInfo;
      await fn(`http://127.0.0.1:${String(port)}`);
      return received;
    } finally {
      await new Promise<void>((resolve) =>
        receiver.close(() => {
          resolve();
        }),
      );
    }
  }

  test('a real OTLP/HTTP export reaches a receiver at <endpoint>/v1/traces', async () => {
    const received = await withReceiver(async (endpoint) => {
      const telemetry = Telemetry.create({ serviceName: 'otlp-test', endpoint });
      if (telemetry === undefined) throw new Error('telemetry is off');
      const span = telemetry.startSpan('exported-span', SpanKind.INTERNAL, telemetry.extract({}));
      span.end();
      await telemetry.shutdown();
    });
    expect(received.map((r) => r.path)).toEqual(['/v1/traces']);
    expect(received[0]?.body).toContain('exported-span');
    expect(received[0]?.body).toContain('otlp-test');
  });

  test('WorkDocs Local configured with an OTLP endpoint (its SDK loaded only then) exports its spans', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-obs-otlp-'));
    try {
      const received = await withReceiver(async (otlpEndpoint) => {
        const traced = await startTestWorkDocsLocal(dir, { otlpEndpoint, serviceName: 'wdl-otlp' });
        try {
          await expect(
            sdkClient(traced).send(
              new GetDocumentCommand({
                AuthenticationToken: traced.demoToken,
                DocumentId: 'nosuchdocument10',
              }),
            ),
          ).rejects.toThrow();
        } finally {
          await traced.close(); // flushes the spans
        }
      });
      expect(received.map((r) => r.path)).toEqual(['/v1/traces']);
      expect(received[0]?.body).toContain('WorkDocs/GetDocument');
      expect(received[0]?.body).toContain('wdl-otlp');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('without an endpoint (or exporter) tracing is off', () => {
    expect(Telemetry.create({ serviceName: 'x' })).toBeUndefined();
    expect(Telemetry.create({ serviceName: 'x', endpoint: '' })).toBeUndefined();
  });
});

describe("WorkDocs Local's /metrics", () => {
  async function scrapeLocal(): Promise<Map<string, number>> {
    const res = await fetch(`${local.endpoint}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parseMetrics(await res.text());
  }

  test('requests by operation and status, bytes uploaded and downloaded, chaos faults fired', async () => {
    const client = sdkClient(local);
    const before = await scrapeLocal();
    const body = 'hello metrics, 32 bytes long....';
    const { documentId, versionId } = await uploadDocument(client, local.demoToken, {
      parentFolderId: local.demoRootFolderId,
      name: `metrics-${String(Date.now())}.txt`,
      body,
      contentType: 'text/plain',
    });
    const version = await client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: local.demoToken,
        DocumentId: documentId,
        VersionId: versionId,
        Fields: 'SOURCE',
      }),
    );
    const download = await fetch(version.Metadata?.Source?.ORIGINAL ?? 'missing');
    expect(await download.text()).toBe(body);

    await fetch(`${local.endpoint}/_local/chaos/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        operation: 'GetDocument',
        error: { code: 'ServiceUnavailableException' },
        count: 1,
      }),
    });
    await expect(
      client.send(
        new GetDocumentVersionCommand({
          AuthenticationToken: local.demoToken,
          DocumentId: documentId,
          VersionId: versionId,
        }),
      ),
    ).resolves.toBeDefined();
    await expect(
      client.send(
        new GetDocumentCommand({ AuthenticationToken: local.demoToken, DocumentId: documentId }),
      ),
    ).rejects.toMatchObject({ name: 'ServiceUnavailableException' });
    await fetch(`${local.endpoint}/no/such/route`);
    client.destroy();

    const after = await scrapeLocal();
    const req = (operation: string, status: string): string =>
      sample('workdocs_local_requests_total', { operation, status });
    expect(changed(before, after, 'workdocs_local_requests_total')).toEqual({
      [req('InitiateDocumentVersionUpload', '201')]: 1,
      [req('(upload)', '200')]: 1,
      [req('UpdateDocumentVersion', '200')]: 1,
      [req('GetDocumentVersion', '200')]: 2,
      [req('(download)', '200')]: 1,
      [req('(control)', '200')]: 2, // the chaos rule and the first scrape
      [req('GetDocument', '503')]: 1,
      [req('(unknown)', '404')]: 1,
    });
    expect(changed(before, after, 'workdocs_local_uploaded_bytes_total')).toEqual({
      workdocs_local_uploaded_bytes_total: 32,
    });
    expect(changed(before, after, 'workdocs_local_downloaded_bytes_total')).toEqual({
      workdocs_local_downloaded_bytes_total: 32,
    });
    expect(changed(before, after, 'workdocs_local_chaos_faults_total')).toEqual({
      [sample('workdocs_local_chaos_faults_total', { operation: 'GetDocument', kind: 'fault' })]: 1,
    });
    expect(after.has('process_resident_memory_bytes')).toBe(true);
  });
});
