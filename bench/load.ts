/**
 * The load generator, run by bench/run.ts in its own process (pinned to the other core than the
 * process under test). One JSON argument describes the run; one JSON line on stdout is the result.
 *
 * - `{ "mode": "closed", url, body, headers, connections, seconds }`: autocannon, `connections`
 *   connections each sending the next request as soon as the previous answered (throughput).
 * - `{ "mode": "open", url, body, headers, rate, seconds }`: a fixed arrival rate (open model):
 *   request i is due at start + i/rate whether or not earlier ones have answered, and its latency
 *   counts from when it was DUE, so a stalled server is not hidden by the generator waiting for it
 *   (no coordinated omission).
 *
 * A response counts as an error when its status is not 2xx or its body has a GraphQL `errors`
 * entry or the `error` of a hand-written server.
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';

interface Common {
  url: string;
  body: string;
  headers: Record<string, string>;
  seconds: number;
}
type Spec =
  (Common & { mode: 'closed'; connections: number }) | (Common & { mode: 'open'; rate: number });

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** CPU time the process under test spent per request (µs), filled in by bench/run.ts. */
  cpuUsPerRequest?: number;
}

const hasError = (body: string): boolean => body.includes('"errors"') || body.includes('"error"');

async function closed(spec: Common & { connections: number }): Promise<LoadResult> {
  let bodyErrors = 0;
  const result = await autocannon({
    url: spec.url,
    method: 'POST',
    body: spec.body,
    headers: spec.headers,
    connections: spec.connections,
    duration: spec.seconds,
    setupClient: (client) => {
      client.on('body', (buf: Buffer) => {
        if (hasError(buf.toString('utf8'))) bodyErrors++;
      });
    },
  });
  return {
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx + bodyErrors,
    rps: result.requests.total / spec.seconds,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.average,
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function open(spec: Common & { rate: number }): Promise<LoadResult> {
  const url = new URL(spec.url);
  const pool = new Pool(url.origin, { connections: 512, pipelining: 1 });
  const total = Math.round(spec.rate * spec.seconds);
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const one = async (due: number): Promise<void> => {
    try {
      const res = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: spec.headers,
        body: spec.body,
      });
      const text = await res.body.text();
      if (res.statusCode < 200 || res.statusCode >= 300 || hasError(text)) errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - due);
  };
  while (sent < total) {
    const now = performance.now();
    while (sent < total && start + (sent * 1000) / spec.rate <= now) {
      const p = one(start + (sent * 1000) / spec.rate);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const round = (n: number): number => Math.round(n * 100) / 100;
  return {
    requests: latencies.length,
    errors,
    rps: latencies.length / elapsed,
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? 0),
      mean: round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
    },
  };
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const result = spec.mode === 'open' ? await open(spec) : await closed(spec);
process.stdout.write(`${JSON.stringify(result)}\n`);
