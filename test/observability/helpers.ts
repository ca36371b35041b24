/**
 * Helpers of the observability tests: a pino logger whose lines are kept as objects, a parser of
 * the Prometheus text format, and a gateway started against a given WorkDocs Local.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { loadGatewayConfig, type GatewayConfig } from '../../src/config.js';
import {
  createGatewayServer,
  type GatewayServer,
  type GatewayServerOptions,
} from '../../src/gateway/server.js';
import type { WorkDocsLocal } from '../../src/workdocs-local/index.js';

export type LogLine = Record<string, unknown>;

/** A logger at `level` that keeps every line it writes (parsed) in `lines`. */
export function capturingLogger(level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

/** `name{labels}` → value, for every sample of a Prometheus text exposition. */
export function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** The sample key of `name` with `labels` in prom-client's order (as given). */
export function sample(name: string, labels: Record<string, string> = {}): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return name;
  return `${name}{${entries.map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

/** The samples whose value changed from `before` to `after` (new ones count from 0). */
export function changed(
  before: Map<string, number>,
  after: Map<string, number>,
  prefix: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of after) {
    if (!key.startsWith(prefix)) continue;
    const delta = value - (before.get(key) ?? 0);
    if (delta !== 0) out[key] = delta;
  }
  return out;
}

export async function scrape(baseUrl: string): Promise<Map<string, number>> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics answered ${String(res.status)}`);
  return parseMetrics(await res.text());
}

/** A gateway on `local` (port 0), with config and option overrides. */
export function startGateway(
  local: WorkDocsLocal,
  overrides: Partial<GatewayConfig> = {},
  options: Partial<GatewayServerOptions> = {},
): Promise<GatewayServer> {
  const config: GatewayConfig = {
    ...loadGatewayConfig({}),
    port: 0,
    host: '127.0.0.1',
    workdocsEndpoint: local.endpoint,
    region: local.region,
    logLevel: 'silent',
    ...overrides,
  };
  return createGatewayServer(config, {
    logger: pino({ level: 'silent' }),
    credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey },
    ...options,
  });
}

/** The gateway's base URL (without `/graphql`). */
export const baseOf = (gateway: GatewayServer): string => gateway.url.replace(/\/graphql$/, '');

export interface Answer {
  status: number;
  headers: Headers;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

export async function graphql(
  gateway: GatewayServer,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Answer['body'] };
}
