/**
 * A full stack for integration tests: WorkDocs Local (port 0, a temp data dir, chaos on) and the
 * gateway (port 0) pointed at it with WorkDocs Local's key pair. Everything talks over real HTTP;
 * the gateway uses the official SDK.
 *
 *   const stack = await startStack();
 *   const { status, body } = await stack.graphql('{ me { id } }', {}, stack.local.demoToken);
 *   await stack.close();
 *
 * Or one stack for a whole file or `describe`, started and closed by its hooks:
 *
 *   const stack = useStack({}, { resetChaosBeforeEach: true });
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { beforeEach } from 'vitest';
import { loadGatewayConfig, type GatewayConfig } from '../../src/config.js';
import type { DemoPageOptions } from '../../src/gateway/demo.js';
import { createGatewayServer, type GatewayServer } from '../../src/gateway/server.js';
import type { WorkDocsLocal, WorkDocsLocalOptions } from '../../src/workdocs-local/index.js';
import { suiteResource } from './suite.js';
import { startTestWorkDocsLocal } from './workdocs.js';

export interface StackOptions {
  /** Overrides of the gateway config (e.g. `{ timeoutMs: 200, production: true }`). */
  gateway?: Partial<GatewayConfig>;
  /** Overrides of WorkDocs Local's options (e.g. `{ defaultStorageBytes: 10 }`). */
  local?: Partial<WorkDocsLocalOptions>;
  /** The gateway's demo page (`/demo`): where it is built; it prefills WorkDocs Local's demo token. */
  demo?: DemoPageOptions;
}

/** A GraphQL response as received. */
export interface GraphQLResponse {
  status: number;
  /** The parsed JSON body (`{ data?, errors? }`). */
  body: GraphQLBody;
  headers: Headers;
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
}

export interface Stack {
  /** e.g. http://127.0.0.1:39123/graphql */
  gatewayUrl: string;
  gateway: GatewayServer;
  local: WorkDocsLocal;
  /** POSTs a GraphQL request (JSON); `token` goes in `Authorization: Bearer`. */
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse>;
  /** `GET`/`POST`/`DELETE` on WorkDocs Local's control plane (`/_local/...`), JSON in and out. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** `GET /_local/stats` → operation name → calls since the last reset. */
  stats(): Promise<Record<string, number>>;
  /** `DELETE /_local/stats`, faults and effects. */
  resetChaos(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'workdocs-graphql-test-'));
  let local: WorkDocsLocal | undefined;
  let gateway: GatewayServer | undefined;
  try {
    local = await startTestWorkDocsLocal(dataDir, opts.local);
    const config: GatewayConfig = {
      ...loadGatewayConfig({}),
      port: 0,
      host: '127.0.0.1',
      workdocsEndpoint: local.endpoint,
      region: local.region,
      logLevel: 'silent',
      ...opts.gateway,
    };
    gateway = await createGatewayServer(config, {
      logger: pino({ level: config.logLevel }),
      credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey },
      demo: opts.demo && { token: local.demoToken, ...opts.demo },
    });
  } catch (err) {
    await local?.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const l = local;
  const g = gateway;

  const control = async (method: string, p: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${l.endpoint}${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} → ${String(res.status)}: ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  };

  return {
    gatewayUrl: g.url,
    gateway: g,
    local: l,
    async graphql(query, variables = {}, token) {
      const res = await fetch(g.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      let body: GraphQLBody;
      try {
        body = JSON.parse(text) as GraphQLBody;
      } catch {
        throw new Error(`gateway answered ${String(res.status)} with non-JSON: ${text}`);
      }
      return { status: res.status, body, headers: res.headers };
    },
    control,
    async stats() {
      const s = (await control('GET', '/_local/stats')) as { operations: Record<string, number> };
      return s.operations;
    },
    async resetChaos() {
      await control('DELETE', '/_local/chaos/faults');
      await control('DELETE', '/_local/chaos/effects');
      await control('DELETE', '/_local/stats');
    },
    async close() {
      try {
        await g.close();
      } finally {
        try {
          await l.close();
        } finally {
          await rm(dataDir, { recursive: true, force: true });
        }
      }
    },
  };
}

/**
 * One stack for the enclosing file or `describe`: started in `beforeAll`, closed in `afterAll`,
 * and with `resetChaosBeforeEach` its chaos rules, effects and stats cleared before each test.
 * The returned object reaches the running stack; use it inside hooks and tests only.
 */
export function useStack(
  opts: StackOptions = {},
  { resetChaosBeforeEach = false }: { resetChaosBeforeEach?: boolean } = {},
): Stack {
  const get = suiteResource(
    'stack',
    () => startStack(opts),
    (stack) => stack.close(),
  );
  if (resetChaosBeforeEach) {
    beforeEach(async () => {
      await get().resetChaos();
    });
  }
  return {
    get gatewayUrl() {
      return get().gatewayUrl;
    },
    get gateway() {
      return get().gateway;
    },
    get local() {
      return get().local;
    },
    graphql: (query, variables, token) => get().graphql(query, variables, token),
    control: (method, p, body) => get().control(method, p, body),
    stats: () => get().stats(),
    resetChaos: () => get().resetChaos(),
    close: () => get().close(),
  };
}
