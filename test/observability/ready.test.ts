/**
 * `GET /ready` follows WorkDocs: 200 while WorkDocs Local answers, 503 once it is stopped, and 200
 * again when it is back on the same address — without restarting the gateway. `/health` stays
 * 200 throughout (liveness).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ReadinessProbe } from '../../src/gateway/observability/readiness.js';
import type { GatewayServer } from '../../src/gateway/server.js';
import { createWorkDocsClient } from '../../src/gateway/workdocs-client.js';
import type { WorkDocsLocal } from '../../src/workdocs-local/index.js';
import { startTestWorkDocsLocal } from '../helpers/workdocs.js';
import { baseOf, startGateway } from './helpers.js';

let dataDir: string;
let local: WorkDocsLocal | undefined;
let gateway: GatewayServer;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-ready-'));
  local = await startTestWorkDocsLocal(dataDir);
  gateway = await startGateway(local, { readyCacheMs: 50 });
});

afterAll(async () => {
  await gateway.close();
  await local?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function ready(): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${baseOf(gateway)}/ready`);
  return { status: res.status, body: await res.json() };
}

test('/ready: 200, then 503 while WorkDocs Local is stopped, then 200 again without a restart', async () => {
  if (local === undefined) throw new Error('not started');
  expect(await ready()).toEqual({ status: 200, body: { status: 'ready' } });
  const port = local.port;

  await local.close();
  local = undefined;
  await expect.poll(async () => (await ready()).status, { timeout: 10_000 }).toBe(503);
  const down = await ready();
  expect(down.body).toMatchObject({ status: 'unavailable' });
  expect(typeof (down.body as { reason: unknown }).reason).toBe('string');
  // Liveness is not readiness.
  expect((await fetch(`${baseOf(gateway)}/health`)).status).toBe(200);

  local = await startTestWorkDocsLocal(dataDir, { port });
  await expect.poll(async () => (await ready()).status, { timeout: 10_000 }).toBe(200);
});

test('/ready refuses other methods', async () => {
  expect((await fetch(`${baseOf(gateway)}/ready`, { method: 'POST' })).status).toBe(405);
});

test('the probe: checks at the same time share one call; a fresh result is reused', async () => {
  if (local === undefined) throw new Error('not started');
  const client = createWorkDocsClient({
    endpoint: local.endpoint,
    region: local.region,
    maxSockets: 2,
    credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey },
  });
  try {
    const probe = new ReadinessProbe(client, { cacheMs: 60_000, timeoutMs: 5000 });
    await fetch(`${local.endpoint}/_local/stats`, { method: 'DELETE' });
    const results = await Promise.all(Array.from({ length: 20 }, () => probe.check()));
    expect(results.every((r) => r.ready)).toBe(true);
    expect((await probe.check()).ready).toBe(true);
    const stats = (await (await fetch(`${local.endpoint}/_local/stats`)).json()) as {
      operations: Record<string, number>;
    };
    expect(stats.operations).toEqual({ GetCurrentUser: 1 });
    // Past the cache age, a new probe runs.
    await probe.check(Date.now() + 60_001);
    const again = (await (await fetch(`${local.endpoint}/_local/stats`)).json()) as {
      operations: Record<string, number>;
    };
    expect(again.operations).toEqual({ GetCurrentUser: 2 });
  } finally {
    client.destroy();
  }
});
