/**
 * `npm run bench:profile [-- --query=initiate|contents|entities] [-- --seconds=10] [-- --top=40]
 *                        [-- --log-level=info] [-- --main="--import tsx bench/baseline.ts"]`
 *
 * Where the gateway's CPU goes under the benchmark's load: starts the fixed-response backend and
 * `node --cpu-prof dist/main.js` (production, pinned like `npm run bench`), drives one of the
 * benchmark's operations for `seconds` with 50 (mutation) or 8 (reads) connections, stops the
 * gateway by its PID so it writes the profile, and prints the self time by package and by function.
 * The `.cpuprofile` stays in bench/out/ for a flame graph (Chrome DevTools, speedscope).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ENTITIES_QUERY,
  ENTITIES_VARIABLES,
  FOLDER_CONTENTS_QUERY,
  FOLDER_ID,
  INITIATE_MUTATION,
  INITIATE_VARIABLES,
  TOKEN,
} from './fixtures.js';
import type { LoadResult } from './load.js';
import { CORE_OTHERS, CORE_UNDER_TEST, REPO_ROOT, runNode, startNode, stopAll } from './procs.js';

const { values: flags } = parseArgs({
  options: {
    query: { type: 'string', default: 'initiate' },
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '40' },
    // The gateway's LOG_LEVEL: `info` (the access log, as `npm run bench`) or e.g. `warn`.
    'log-level': { type: 'string', default: 'info' },
    // Another server to profile instead of the gateway (e.g. `--import tsx bench/baseline.ts`).
    main: { type: 'string' },
  },
});
const QUERIES: Record<string, { body: string; connections: number }> = {
  initiate: {
    body: JSON.stringify({ query: INITIATE_MUTATION, variables: INITIATE_VARIABLES }),
    connections: 50,
  },
  contents: {
    body: JSON.stringify({ query: FOLDER_CONTENTS_QUERY, variables: { id: FOLDER_ID } }),
    connections: 8,
  },
  entities: {
    body: JSON.stringify({ query: ENTITIES_QUERY, variables: ENTITIES_VARIABLES }),
    connections: 8,
  },
};
const q = QUERIES[flags.query];
if (q === undefined) throw new Error(`--query: one of ${Object.keys(QUERIES).join(', ')}`);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package (or the project's own file) a script URL belongs to. */
function owner(url: string): string {
  if (url === '') return '(native / idle / gc)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]!}/${rest[1]!}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  return path.relative(REPO_ROOT, url.replace(/^file:\/\//, ''));
}

/**
 * Self time by package and by function over the samples taken while the load ran (`window`, in µs
 * of the monotonic clock, which V8's profile timestamps share), so start-up is not counted.
 */
function summarise(
  file: string,
  top: number,
  requests: number,
  window: { from: number; to: number },
): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (t < window.from || t > window.to) continue;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  let busy = 0;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    busy += us;
    const o = functionName === '(garbage collector)' ? '(gc)' : owner(url);
    byOwner.set(o, (byOwner.get(o) ?? 0) + us);
    const f = `${functionName || '(anonymous)'} ${owner(url)}:${String(lineNumber + 1)}`;
    byFunction.set(f, (byFunction.get(f) ?? 0) + us);
  }
  const print = (title: string, m: Map<string, number>): void => {
    process.stdout.write(
      `\n${title}: share of busy CPU (${String(Math.round(busy / 1000))} ms), µs per request\n`,
    );
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      const perRequest = (us / requests).toFixed(1).padStart(7);
      process.stdout.write(`${((us / busy) * 100).toFixed(1).padStart(6)}% ${perRequest}  ${k}\n`);
    }
  };
  print('self time by package', byOwner);
  print('self time by function', byFunction);
}

async function main(): Promise<void> {
  const dir = path.join(REPO_ROOT, 'bench', 'out', `profile-${String(Date.now())}`);
  await mkdir(dir, { recursive: true });
  const backend = await startNode('backend', ['--import', 'tsx', 'bench/backend.ts'], {
    core: CORE_OTHERS,
    ready: /LISTENING (\d+)/,
  });
  const main = flags.main?.split(' ') ?? ['dist/main.js'];
  const gateway = await startNode('gateway', ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...main], {
    core: CORE_UNDER_TEST,
    env: {
      AWS_ACCESS_KEY_ID: 'AKIABENCH',
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: flags['log-level'],
      WORKDOCS_ENDPOINT: `http://127.0.0.1:${backend.ready}`,
    },
    ready: flags.main === undefined ? /GraphQL\s+(http:\/\/\S+\/graphql)/ : /LISTENING (\d+)/,
  });
  const url =
    flags.main === undefined ? gateway.ready : `http://127.0.0.1:${gateway.ready}/initiate`;
  const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);
  let window: { from: number; to: number };
  let requests: number;
  try {
    // A warm-up (JIT, pools), not counted.
    await load(url, 2);
    const from = nowUs();
    const result = await load(url, Number(flags.seconds));
    window = { from, to: nowUs() };
    requests = result.requests;
    process.stdout.write(
      `${flags.query}: ${String(Math.round(result.rps))} req/s, p99 ${String(result.latencyMs.p99)} ms, errors ${String(result.errors)}\n`,
    );
  } finally {
    await gateway.stop();
    await backend.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no profile written to ${dir}`);
  process.stdout.write(`profile: ${path.join(dir, file)}\n`);
  summarise(path.join(dir, file), Number(flags.top), requests, window);
}

async function load(url: string, seconds: number): Promise<LoadResult> {
  const out = await runNode(
    [
      '--import',
      'tsx',
      'bench/load.ts',
      JSON.stringify({
        mode: 'closed',
        url,
        body: flags.main === undefined ? q!.body : JSON.stringify(INITIATE_VARIABLES.input),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        connections: q!.connections,
        seconds,
      }),
    ],
    CORE_OTHERS,
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as LoadResult;
}

main().catch(async (err: unknown) => {
  await stopAll();
  process.stderr.write(`profile failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
