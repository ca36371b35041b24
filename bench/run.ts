/**
 * `npm run bench [-- --quick] [-- --only=throughput,rate,reads,calls,local,postgres,startup]
 *                [-- --database-url=postgres://…] [-- --out=FILE]`
 *
 * Loopback only. The process under test runs alone on core 0 (`taskset`), the fixed-response
 * WorkDocs backend (bench/backend.ts) and the load generator (bench/load.ts, its own process) on
 * core 1. Contenders run one after the other, alternated (A B A B), and the table reports their
 * ratio from the same run: absolute numbers depend on the machine, ratios much less.
 *
 * Sections (see bench/RESULTS.md for what each measures):
 *   throughput  initiateDocumentVersionUpload: gateway (`node dist/main.js`, production) vs a plain
 *               node:http server making the same SDK call with a default WorkDocsClient
 *   rate        the same at a fixed arrival rate (open model): latency percentiles
 *   reads       folder.contents(first: 50) with creators, `_entities` for 50 documents, vs
 *               hand-written servers making the same minimal SDK calls
 *   calls       upstream calls per query with DataLoader on and off
 *   local       WorkDocs Local at 10 / 1,000 / 10,000 documents; a 1 GiB upload vs a minimal
 *               streaming server (bench/local.ts)
 *   postgres    WorkDocs Local on PostgreSQL, one and two nodes: initiate and list req/s
 *               (bench/postgres.ts; a throwaway cluster unless --database-url)
 *   startup     process start to the first successful GraphQL response
 *
 * Prints a table and writes JSON to bench/out/ (`bench-<time>.json` and `latest.json`);
 * `node --import tsx bench/render-results.ts` renders bench/RESULTS.md from it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ENTITIES_QUERY,
  ENTITIES_VARIABLES,
  FOLDER_CONTENTS_QUERY,
  FOLDER_ID,
  INITIATE_MUTATION,
  INITIATE_VARIABLES,
  PAGE_SIZE,
  TOKEN,
} from './fixtures.js';
import type { LoadResult } from './load.js';
import { table, type Comparison, type Run } from './table.js';
import { runLocalSection } from './local.js';
import { runPostgresSection } from './postgres.js';
import {
  CORE_OTHERS,
  CORE_UNDER_TEST,
  cpuSeconds,
  freePort,
  BOUNDED_HEAP_FLAGS,
  peakRssMiB,
  PINNED,
  REPO_ROOT,
  runNode,
  startNode,
  stopAll as stopAllProcs,
  type Proc,
} from './procs.js';

const SECTIONS = ['throughput', 'rate', 'reads', 'calls', 'local', 'postgres', 'startup'] as const;
type Section = (typeof SECTIONS)[number];

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'database-url': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  process.stdout.write(
    'npm run bench [-- --quick] [-- --only=throughput,rate,reads,calls,local,postgres,startup] [-- --database-url=URL] [-- --out=FILE]\n',
  );
  process.exit(0);
}
const quick = flags.quick;
const only = new Set(
  (flags.only ?? SECTIONS.join(',')).split(',').map((s) => s.trim()) as Section[],
);
for (const s of only) {
  if (!SECTIONS.includes(s))
    throw new Error(`--only: unknown section ${s}; known: ${SECTIONS.join(', ')}`);
}

/** Durations: full (about 5 minutes in all) and --quick (seconds, a smoke test). */
const T = quick
  ? { warm: 0, run: 1, rounds: 1, rate: 100, rateSeconds: 2, reads: 1, startups: 1 }
  : { warm: 3, run: 10, rounds: 2, rate: 500, rateSeconds: 20, reads: 6, startups: 3 };
/** Connections of the closed-loop runs (fewer in --quick, whose runs last one second). */
const CONNECTIONS = quick ? 8 : 50;
/**
 * Connections of the read runs: each read fans out into up to 51 WorkDocs calls, so 50 connections
 * meant 2,500 calls in flight, more than the baseline's default socket pool (50) serves in time.
 */
const READ_CONNECTIONS = quick ? 4 : 8;

const HEADERS = {
  'content-type': 'application/json',
  authorization: `Bearer ${TOKEN}`,
};
const gql = (query: string, variables: Record<string, unknown>): string =>
  JSON.stringify({ query, variables });

interface Contender {
  name: string;
  url: string;
  body: string;
  /** A check of one answer: throws when the server does not answer what the benchmark expects. */
  verify(body: unknown): void;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function load(spec: Record<string, unknown>): Promise<LoadResult> {
  const out = await runNode(
    ['--import', 'tsx', 'bench/load.ts', JSON.stringify({ headers: HEADERS, ...spec })],
    CORE_OTHERS,
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult;
}

async function verify(c: Contender): Promise<void> {
  const res = await fetch(c.url, { method: 'POST', headers: HEADERS, body: c.body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${c.name}: HTTP ${String(res.status)}: ${text}`);
  c.verify(JSON.parse(text) as unknown);
}

function expect(cond: boolean, what: string): void {
  if (!cond) throw new Error(`unexpected answer: ${what}`);
}

// --- processes ----------------------------------------------------------------------------

const procs: Proc[] = [];
async function start(...args: Parameters<typeof startNode>): Promise<Proc> {
  const p = await startNode(...args);
  procs.push(p);
  return p;
}
async function stopAll(): Promise<void> {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
}
process.on('SIGINT', () => {
  void Promise.all([stopAll(), stopAllProcs()]).then(() => process.exit(130));
});

const AWS_ENV = { AWS_ACCESS_KEY_ID: 'AKIABENCH', AWS_SECRET_ACCESS_KEY: 'bench-secret' };

function startBackend(): Promise<Proc> {
  return start('backend', ['--import', 'tsx', 'bench/backend.ts'], {
    core: CORE_OTHERS,
    ready: /LISTENING (\d+)/,
  });
}

function gatewayEnv(backendPort: string): NodeJS.ProcessEnv {
  return {
    ...AWS_ENV,
    NODE_ENV: 'production',
    WORKDOCS_ENDPOINT: `http://127.0.0.1:${backendPort}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
  };
}

function startGateway(backendPort: string, nodeFlags: string[] = []): Promise<Proc> {
  return start('gateway', [...nodeFlags, 'dist/main.js'], {
    core: CORE_UNDER_TEST,
    env: gatewayEnv(backendPort),
    ready: /GraphQL\s+(http:\/\/\S+\/graphql)/,
  });
}

function startBaseline(backendPort: string): Promise<Proc> {
  return start('baseline', ['--import', 'tsx', 'bench/baseline.ts'], {
    core: CORE_UNDER_TEST,
    env: { WORKDOCS_ENDPOINT: `http://127.0.0.1:${backendPort}` },
    ready: /LISTENING (\d+)/,
  });
}

// --- closed-loop comparison, alternated ------------------------------------------------------

async function compare(
  name: string,
  contenders: [Contender & { proc: Proc }, Contender & { proc: Proc }],
  seconds: number,
  rounds: number,
  connections = CONNECTIONS,
): Promise<Comparison> {
  for (const c of contenders) await verify(c);
  for (const c of T.warm > 0 ? contenders : []) {
    log(`  ${name}: warming ${c.name}`);
    await load({
      mode: 'closed',
      url: c.url,
      body: c.body,
      connections,
      seconds: T.warm,
    });
  }
  const runs: Run[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const c of contenders) {
      const cpuBefore = cpuSeconds(c.proc.pid);
      const result = await load({
        mode: 'closed',
        url: c.url,
        body: c.body,
        connections,
        seconds,
      });
      const cpuAfter = cpuSeconds(c.proc.pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined && result.requests > 0) {
        result.cpuUsPerRequest = Math.round(((cpuAfter - cpuBefore) * 1e6) / result.requests);
      }
      log(
        `  ${name} #${String(round)} ${c.name}: ${result.rps.toFixed(0)} req/s, p99 ${String(result.latencyMs.p99)} ms, ${String(result.cpuUsPerRequest)} µs CPU/request, errors ${String(result.errors)}`,
      );
      if (result.errors > 0)
        throw new Error(`${name}: ${c.name} answered ${String(result.errors)} errors`);
      runs.push({ contender: c.name, round, result });
    }
  }
  const mean = (c: string): number => {
    const rs = runs.filter((r) => r.contender === c).map((r) => r.result.rps);
    return rs.reduce((a, b) => a + b, 0) / rs.length;
  };
  const [a, b] = contenders.map((c) => c.name) as [string, string];
  /** CPU time per request over all runs of a contender (µs). */
  const cpuPerRequest = (c: string): number => {
    const rs = runs.filter((r) => r.contender === c).map((r) => r.result.cpuUsPerRequest ?? NaN);
    return Math.round(rs.reduce((x, y) => x + y, 0) / rs.length);
  };
  const rpsOf = (c: string, round: number): number =>
    runs.find((r) => r.contender === c && r.round === round)?.result.rps ?? NaN;
  return {
    name,
    runs,
    rps: { [a]: round1(mean(a)), [b]: round1(mean(b)) },
    p99: Object.fromEntries(
      contenders.map((c) => [
        c.name,
        Math.max(...runs.filter((r) => r.contender === c.name).map((r) => r.result.latencyMs.p99)),
      ]),
    ),
    peakRssMiB: Object.fromEntries(contenders.map((c) => [c.name, peakRssMiB(c.proc.pid)])),
    ratio: round3(mean(b) / mean(a)),
    cpuUsPerRequest: { [a]: cpuPerRequest(a), [b]: cpuPerRequest(b) },
    cpuRatio: round3(cpuPerRequest(a) / cpuPerRequest(b)),
    ratioPerRound: Array.from({ length: rounds }, (_, i) =>
      round3(rpsOf(b, i + 1) / rpsOf(a, i + 1)),
    ),
  };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const round3 = (n: number): number => Math.round(n * 1000) / 1000;

// --- sections ------------------------------------------------------------------------------

const verifyInitiateGraphQL = (b: unknown): void => {
  const r = (b as { data?: { initiateDocumentVersionUpload?: { __typename?: string } } }).data
    ?.initiateDocumentVersionUpload;
  expect(r?.__typename === 'InitiateDocumentVersionUploadPayload', JSON.stringify(b).slice(0, 300));
};
const verifyInitiatePlain = (b: unknown): void => {
  expect(
    typeof (b as { UploadMetadata?: { UploadUrl?: unknown } }).UploadMetadata?.UploadUrl ===
      'string',
    JSON.stringify(b).slice(0, 300),
  );
};

async function throughputAndRate(
  backendPort: string,
  results: Record<string, unknown>,
): Promise<void> {
  const baseline = await startBaseline(backendPort);
  const gateway = await startGateway(backendPort);
  try {
    const contenders: [Contender & { proc: Proc }, Contender & { proc: Proc }] = [
      {
        name: 'baseline',
        proc: baseline,
        url: `http://127.0.0.1:${baseline.ready}/initiate`,
        body: JSON.stringify(INITIATE_VARIABLES.input),
        verify: verifyInitiatePlain,
      },
      {
        name: 'gateway',
        proc: gateway,
        url: gateway.ready,
        body: gql(INITIATE_MUTATION, INITIATE_VARIABLES),
        verify: verifyInitiateGraphQL,
      },
    ];
    if (only.has('throughput')) {
      log('throughput: initiateDocumentVersionUpload, closed loop');
      results.throughput = await compare('mutation', contenders, T.run, T.rounds);
      // The same with the gateway's heap bounded (README, "Running in production"): its own
      // process, so that its peak RSS is its own.
      log(`throughput: the same, gateway run with ${BOUNDED_HEAP_FLAGS.join(' ')}`);
      const bounded = await startGateway(backendPort, BOUNDED_HEAP_FLAGS);
      try {
        results.throughputBoundedHeap = {
          flags: BOUNDED_HEAP_FLAGS,
          ...(await compare(
            'mutation, heap bound',
            [contenders[0], { ...contenders[1], proc: bounded, url: bounded.ready }],
            T.run,
            T.rounds,
          )),
        };
      } finally {
        await bounded.stop();
      }
    }
    if (only.has('rate')) {
      log(`rate: ${String(T.rate)} req/s for ${String(T.rateSeconds)} s (open model)`);
      const runs: Run[] = [];
      for (let round = 1; round <= T.rounds; round++) {
        for (const c of contenders) {
          const result = await load({
            mode: 'open',
            url: c.url,
            body: c.body,
            rate: T.rate,
            seconds: T.rateSeconds,
          });
          log(
            `  rate #${String(round)} ${c.name}: p50 ${String(result.latencyMs.p50)} ms, p99 ${String(result.latencyMs.p99)} ms, errors ${String(result.errors)}`,
          );
          runs.push({ contender: c.name, round, result });
        }
      }
      const worst = (name: string, p: 'p50' | 'p99'): number =>
        Math.max(...runs.filter((r) => r.contender === name).map((r) => r.result.latencyMs[p]));
      results.rate = {
        rate: T.rate,
        seconds: T.rateSeconds,
        runs,
        p50: { baseline: worst('baseline', 'p50'), gateway: worst('gateway', 'p50') },
        p99: { baseline: worst('baseline', 'p99'), gateway: worst('gateway', 'p99') },
        p99DeltaMs: round1(worst('gateway', 'p99') - worst('baseline', 'p99')),
      };
    }
  } finally {
    await baseline.stop();
    await gateway.stop();
  }
}

const verifyContents = (b: unknown): void => {
  const edges = (
    b as {
      data?: {
        folder?: { contents?: { edges?: { node: { creator?: { username?: string } } }[] } };
      };
    }
  ).data?.folder?.contents?.edges;
  expect(
    edges?.length === PAGE_SIZE && typeof edges[0]?.node.creator?.username === 'string',
    JSON.stringify(b).slice(0, 300),
  );
};
const verifyEntities = (b: unknown): void => {
  const list = (b as { data?: { _entities?: { creator?: { username?: string } }[] } }).data
    ?._entities;
  expect(
    list?.length === PAGE_SIZE && typeof list[0]?.creator?.username === 'string',
    JSON.stringify(b).slice(0, 300),
  );
};
const verifyPlainDocs = (b: unknown): void => {
  const docs = (b as { Documents?: { Creator?: { Username?: string } }[] }).Documents;
  expect(
    docs?.length === PAGE_SIZE && typeof docs[0]?.Creator?.Username === 'string',
    JSON.stringify(b).slice(0, 300),
  );
};

const READS = {
  contents: {
    graphql: gql(FOLDER_CONTENTS_QUERY, { id: FOLDER_ID }),
    path: '/folder-contents',
    plain: JSON.stringify({ folderId: FOLDER_ID, limit: PAGE_SIZE }),
    verify: verifyContents,
  },
  entities: {
    graphql: gql(ENTITIES_QUERY, ENTITIES_VARIABLES),
    path: '/entities',
    plain: JSON.stringify({ ids: ENTITIES_VARIABLES.representations.map((r) => r.id) }),
    verify: verifyEntities,
  },
};

async function reads(backendPort: string, results: Record<string, unknown>): Promise<void> {
  const baseline = await startBaseline(backendPort);
  const gateway = await startGateway(backendPort);
  try {
    const out: Record<string, Comparison> = {};
    for (const [name, r] of Object.entries(READS)) {
      log(`reads: ${name}`);
      out[name] = await compare(
        name,
        [
          {
            name: 'baseline',
            proc: baseline,
            url: `http://127.0.0.1:${baseline.ready}${r.path}`,
            body: r.plain,
            verify: verifyPlainDocs,
          },
          { name: 'gateway', proc: gateway, url: gateway.ready, body: r.graphql, verify: r.verify },
        ],
        T.reads,
        T.rounds,
        READ_CONNECTIONS,
      );
    }
    results.reads = out;
  } finally {
    await baseline.stop();
    await gateway.stop();
  }
}

async function calls(backend: Proc, results: Record<string, unknown>): Promise<void> {
  log('calls: upstream calls per query, DataLoader on / off');
  const stats = `http://127.0.0.1:${backend.ready}/_stats`;
  const out: Record<string, Record<string, Record<string, number>>> = {};
  for (const mode of ['on', 'off'] as const) {
    const gw = await start(
      `gateway (DataLoader ${mode})`,
      ['--import', 'tsx', 'bench/gateway-variant.ts'],
      {
        core: CORE_UNDER_TEST,
        env: { ...gatewayEnv(backend.ready), BENCH_DATALOADER: mode, LOG_LEVEL: 'warn' },
        ready: /LISTENING (\S+)/,
      },
    );
    try {
      for (const [name, r] of Object.entries(READS)) {
        await fetch(stats, { method: 'DELETE' });
        await verify({ name, url: gw.ready, body: r.graphql, verify: r.verify });
        const counts = (await (await fetch(stats)).json()) as Record<string, number>;
        (out[name] ??= {})[mode] = {
          ...counts,
          total: Object.values(counts).reduce((a, b) => a + b, 0),
        };
      }
    } finally {
      await gw.stop();
    }
  }
  for (const [name, m] of Object.entries(out)) {
    log(`  ${name}: ${String(m.on?.total)} calls with DataLoader, ${String(m.off?.total)} without`);
  }
  results.calls = out;
}

/** Process start → first `{ __typename }` answered 200 with data, polling every 5 ms. */
async function timeToFirstResponse(
  env: NodeJS.ProcessEnv,
  port: number,
): Promise<{ ms: number; proc: Proc }> {
  const url = `http://127.0.0.1:${String(port)}/graphql`;
  const t0 = performance.now();
  const proc = startNode('gateway (start-up)', ['dist/main.js'], {
    core: CORE_UNDER_TEST,
    env,
    ready: /GraphQL\s+(http\S+)/,
  });
  // A process that exits (or never prints its URL) ends the wait at once, with what it printed.
  let failed: Error | undefined;
  proc.catch((err: unknown) => {
    failed = err instanceof Error ? err : new Error(String(err));
  });
  for (;;) {
    if (failed) throw failed;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: HEADERS,
        body: '{"query":"{ __typename }"}',
      });
      if (res.status === 200 && (await res.text()).includes('"Query"')) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 60_000) {
      const p = await Promise.race([proc, Promise.resolve(undefined)]);
      await p?.stop();
      throw new Error(
        `the gateway did not answer at ${url} within 60 s${p ? `:\n${p.output()}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const ms = round1(performance.now() - t0);
  return { ms, proc: await proc };
}

async function startup(backendPort: string, results: Record<string, unknown>): Promise<void> {
  log('startup: process start → first GraphQL response');
  const { mkdtemp, rm } = await import('node:fs/promises');
  const external: number[] = [];
  const embedded: number[] = [];
  for (let i = 0; i < T.startups; i++) {
    const port = await freePort();
    const a = await timeToFirstResponse({ ...gatewayEnv(backendPort), PORT: String(port) }, port);
    await a.proc.stop();
    external.push(a.ms);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-startup-'));
    try {
      const port2 = await freePort();
      let localPort = await freePort();
      while (localPort === port2) localPort = await freePort();
      const b = await timeToFirstResponse(
        {
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(port2),
          WORKDOCS_LOCAL_HOST: '127.0.0.1',
          WORKDOCS_LOCAL_PORT: String(localPort),
          WORKDOCS_LOCAL_DATA_DIR: dir,
          LOG_LEVEL: 'warn',
        },
        port2,
      );
      await b.proc.stop();
      embedded.push(b.ms);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const median = (xs: number[]): number =>
    [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  results.startup = {
    externalEndpointMs: median(external),
    embeddedWorkDocsLocalMs: median(embedded),
    samples: { external, embedded },
  };
  log(
    `  external endpoint ${String(median(external))} ms, embedded WorkDocs Local ${String(median(embedded))} ms`,
  );
}

// --- main ----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = new Date();
  const results: Record<string, unknown> = {};
  const backend = await startBackend();
  try {
    if (only.has('throughput') || only.has('rate')) await throughputAndRate(backend.ready, results);
    if (only.has('reads')) await reads(backend.ready, results);
    if (only.has('calls')) await calls(backend, results);
    if (only.has('local'))
      results.local = await runLocalSection({
        quick,
        databaseUrl: flags['database-url'],
        log,
      });
    if (only.has('postgres'))
      results.postgres = await runPostgresSection({
        quick,
        databaseUrl: flags['database-url'],
        log,
      });
    if (only.has('startup')) await startup(backend.ready, results);
  } finally {
    await stopAll();
  }
  const cpus = os.cpus();
  const report = {
    date: started.toISOString(),
    command: `npm run bench${quick ? ' -- --quick' : ''}${flags.only ? ` -- --only=${flags.only}` : ''}`,
    quick,
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      memoryGiB: round1(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      pinned: PINNED,
      loadAverage: os.loadavg().map(round1),
    },
    seconds: round1((Date.now() - started.getTime()) / 1000),
    results,
  };
  const text = table(results);
  process.stdout.write(`\n${text}\n\n`);
  const outDir = path.join(REPO_ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  const file =
    flags.out ?? path.join(outDir, `bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  if (!quick)
    writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), file)} (${String(report.seconds)} s)`);
}

main().catch(async (err: unknown) => {
  await stopAll();
  log(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
