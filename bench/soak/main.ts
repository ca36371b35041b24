/**
 * `npm run soak` — the whole system under load, with faults, for a bounded time:
 * starts WorkDocs Local (its CLI, chaos API on) and the gateway (its entry point, WORKDOCS_ENDPOINT)
 * as separate processes with production settings on loopback, runs virtual users through the
 * upload flow while WorkDocs calls fail, slow down past the gateway's deadline and lose their
 * responses, then checks the end state and prints (and writes) the report. Stops by itself and
 * stops every process it started, by PID.
 *
 *   npm run soak                    3 minutes
 *   npm run soak -- --minutes 5
 *   npm run soak -- --quick         30 seconds (CI)
 *
 * Exit code 0 when every check is at zero (the memory/descriptor check is skipped by --quick),
 * 1 when a check failed, 2 on bad arguments or when the system could not be started.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CreateFolderCommand,
  CreateUserCommand,
  GetCurrentUserCommand,
  WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { startFaults, stopFaults, type Injections } from './faults.js';
import {
  REPO_ROOT,
  sampleProcess,
  startServer,
  stopServer,
  type ProcessSample,
  type Server,
} from './processes.js';
import { Recorder } from './record.js';
import {
  buildReport,
  median,
  printReport,
  writeReport,
  type MemoryPoint,
  type SoakSettings,
} from './report.js';
import { verifyEndState } from './verify.js';
import { VirtualUser } from './vu.js';

const HELP = `Usage: npm run soak -- [--minutes N | --quick] [options]

Runs the gateway and WorkDocs Local (separate processes, production settings, loopback) under
virtual users with continuous fault injection, checks the end state, prints a report, writes it
to bench/out/soak-<time>.json and appends a row to bench/RESULTS.md.

  --minutes N        load duration in minutes (default 3)
  --quick            30 seconds (CI); memory and descriptors are reported, not checked
  --vus N            concurrent virtual users (default 50)
  --users N          WorkDocs users the virtual users are spread over (default 5)
  --max-mib N        largest upload in MiB (default 4)
  --timeout-ms N     the gateway's WORKDOCS_TIMEOUT_MS (default 10000, its production default);
                     slowed calls take 1.5× it
  --exception-rate R share of WorkDocs calls failing with a retryable exception (default 0.01)
  --slow-rate R      share slowed past the deadline (default 0.01)
  --drop-rate R      share whose response is lost (default 0.005)
  --trace-gc         run both processes with node --trace-gc and report their V8 heap after full
                     garbage collections (tells a leak from memory not yet collected)
  --no-results       do not append to bench/RESULTS.md
  --keep             keep the data directory and logs (printed at the end)
  --help
`;

const MiB = 1024 * 1024;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--${name} must be a positive number (got ${value})`);
  return n;
}

function rate(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new Error(`--${name} must be between 0 and 1 (got ${value})`);
  return n;
}

interface Options extends SoakSettings {
  results: boolean;
  keep: boolean;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      minutes: { type: 'string' },
      quick: { type: 'boolean', default: false },
      vus: { type: 'string' },
      users: { type: 'string' },
      'max-mib': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'exception-rate': { type: 'string' },
      'slow-rate': { type: 'string' },
      'drop-rate': { type: 'string' },
      'no-results': { type: 'boolean', default: false },
      'trace-gc': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  if (values.quick && values.minutes !== undefined)
    throw new Error('--quick and --minutes exclude each other');
  const minutes = positive('minutes', values.minutes, 3);
  const timeoutMs = Math.round(positive('timeout-ms', values['timeout-ms'], 10_000));
  const vus = Math.round(positive('vus', values.vus, 50));
  return {
    durationMs: values.quick ? 30_000 : Math.round(minutes * 60_000),
    quick: values.quick,
    vus,
    users: Math.min(vus, Math.round(positive('users', values.users, 5))),
    maxBytes: Math.round(positive('max-mib', values['max-mib'], 4) * MiB),
    timeoutMs,
    rates: {
      exception: rate('exception-rate', values['exception-rate'], 0.01),
      slow: rate('slow-rate', values['slow-rate'], 0.01),
      drop: rate('drop-rate', values['drop-rate'], 0.005),
      delayMs: Math.round(timeoutMs * 1.5),
    },
    results: !values['no-results'],
    traceGc: values['trace-gc'],
    keep: values.keep,
  };
}

/**
 * The documented error codes: the schema's `ErrorCode` enum and the codes the README's Errors
 * section lists (the pre-execution ones too). Anything else is an untyped error.
 */
async function documentedCodes(): Promise<Set<string>> {
  const codes = new Set<string>();
  const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Errors');
  const end = readme.indexOf('\n## ', start + 1);
  const section = start === -1 ? '' : readme.slice(start, end === -1 ? undefined : end);
  for (const m of section.matchAll(/`([A-Z][A-Z0-9_]{3,})`/g)) codes.add(m[1] ?? '');
  const schema = await readFile(path.join(REPO_ROOT, 'schema', 'base.graphql'), 'utf8');
  const enumBody = /enum ErrorCode \{([^}]*)\}/.exec(schema)?.[1] ?? '';
  for (const m of enumBody.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*$/gm)) codes.add(m[1] ?? '');
  if (!codes.has('INTERNAL_SERVER_ERROR') || !codes.has('ENTITY_NOT_EXISTS')) {
    throw new Error(
      'could not read the error codes from README.md (## Errors) and schema/base.graphql',
    );
  }
  return codes;
}

/** Runs the WorkDocs Local CLI once (an operator command) and returns its stdout. */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/workdocs-local/cli.ts', ...args],
      {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out.trim());
      else
        reject(new Error(`workdocs-local ${args.join(' ')} exited with ${String(code)}: ${err}`));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function sampleBoth(gateway: Server, wdl: Server, label: string): Promise<MemoryPoint> {
  const [g, w] = await Promise.all([sampleProcess(gateway.pid), sampleProcess(wdl.pid)]);
  return { label, atMs: Date.now(), gateway: g, workdocsLocal: w };
}

/** The median RSS of the samples in [from, to] (descriptors of the last of them), if any. */
function windowPoint(
  samples: readonly MemoryPoint[],
  from: number,
  to: number,
  label: string,
): MemoryPoint | undefined {
  const inside = samples.filter((p) => p.atMs >= from && p.atMs <= to);
  const lastInside = inside.at(-1);
  if (!lastInside) return undefined;
  const proc = (key: 'gateway' | 'workdocsLocal'): ProcessSample | undefined => {
    const rss = median(inside.map((p) => p[key]?.rssBytes ?? 0).filter((v) => v > 0));
    const l = lastInside[key];
    return rss === undefined || !l ? l : { ...l, rssBytes: rss };
  };
  return {
    label,
    atMs: lastInside.atMs,
    gateway: proc('gateway'),
    workdocsLocal: proc('workdocsLocal'),
  };
}

async function stats(wdl: string): Promise<Record<string, number>> {
  const res = await fetch(new URL('/_local/stats', wdl));
  const body = (await res.json()) as { operations?: Record<string, number> };
  return body.operations ?? {};
}

/** Waits until both processes are back to (about) their idle socket count, at most `maxMs`. */
async function settle(
  gateway: Server,
  wdl: Server,
  start: MemoryPoint,
  maxMs: number,
): Promise<MemoryPoint> {
  const until = Date.now() + maxMs;
  for (;;) {
    const p = await sampleBoth(gateway, wdl, 'end (idle)');
    const calm = (s: ProcessSample | undefined, s0: ProcessSample | undefined): boolean =>
      s !== undefined && s0 !== undefined && s.sockets <= s0.sockets + 2;
    if (
      (calm(p.gateway, start.gateway) && calm(p.workdocsLocal, start.workdocsLocal)) ||
      Date.now() > until
    ) {
      return p;
    }
    await sleep(1000);
  }
}

async function main(): Promise<number> {
  let options: Options | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(HELP);
    return 0;
  }
  const o = options;
  // The SDK's notice that its 2027 releases need Node 22 (CI runs both) is not the soak's business.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const codes = await documentedCodes();
  const runDir = await mkdtemp(path.join(os.tmpdir(), 'workdocs-soak-'));
  const dataDir = path.join(runDir, 'data');
  await mkdir(dataDir);
  const accessKeyId = `AKIASOAK${randomBytes(6).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const demoToken = randomBytes(24).toString('base64url');
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info' };
  for (const k of Object.keys(baseEnv)) {
    if (
      k.startsWith('WORKDOCS_') ||
      k.startsWith('GATEWAY_') ||
      k.startsWith('AWS_') ||
      k === 'VITEST'
    ) {
      Reflect.deleteProperty(baseEnv, k);
    }
  }
  const wdlEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    WORKDOCS_LOCAL_HOST: '127.0.0.1',
    WORKDOCS_LOCAL_PORT: '0',
    WORKDOCS_LOCAL_DATA_DIR: dataDir,
    WORKDOCS_LOCAL_DEMO_TOKEN: demoToken,
    WORKDOCS_LOCAL_ACCESS_KEY_ID: accessKeyId,
    WORKDOCS_LOCAL_SECRET_ACCESS_KEY: secretAccessKey,
    WORKDOCS_LOCAL_CHAOS: 'true',
  };
  const servers: Server[] = [];
  const nodeFlags = o.traceGc ? ['--trace-gc'] : [];
  let admin: WorkDocsClient | undefined;
  let exitCode = 2;
  const log = (line: string): void => {
    process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  };
  try {
    log(`run dir ${runDir}`);
    const wdl = await startServer(
      'WorkDocs Local',
      'src/workdocs-local/cli.ts',
      wdlEnv,
      path.join(runDir, 'workdocs-local.log'),
      /^\s*endpoint\s/,
      nodeFlags,
    );
    servers.push(wdl);
    log(`WorkDocs Local pid ${wdl.pid} at ${wdl.url}`);
    const gateway = await startServer(
      'gateway',
      'src/main.ts',
      {
        ...baseEnv,
        HOST: '127.0.0.1',
        PORT: '0',
        WORKDOCS_ENDPOINT: wdl.url,
        WORKDOCS_TIMEOUT_MS: String(o.timeoutMs),
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_REGION: 'us-east-1',
      },
      path.join(runDir, 'gateway.log'),
      /^\s*GraphQL\s/,
      nodeFlags,
    );
    servers.push(gateway);
    log(`gateway pid ${gateway.pid} at ${gateway.url}`);

    // Users (the demo user and more created by the administrator), a token each, a folder per VU.
    admin = new WorkDocsClient({
      endpoint: wdl.url,
      region: 'us-east-1',
      credentials: { accessKeyId, secretAccessKey },
    });
    const me = await admin.send(new GetCurrentUserCommand({ AuthenticationToken: demoToken }));
    const users = [
      {
        username: me.User?.Username ?? 'demo',
        token: demoToken,
        rootFolderId: me.User?.RootFolderId ?? '',
      },
    ];
    for (let i = 1; i < o.users; i++) {
      const username = `soak-user-${String(i)}`;
      const created = await admin.send(
        new CreateUserCommand({
          Username: username,
          GivenName: 'Soak',
          Surname: `User ${String(i)}`,
          Password: randomBytes(12).toString('base64url'),
          EmailAddress: `${username}@example.com`,
        }),
      );
      const token = await cli(['token', 'issue', username], wdlEnv);
      users.push({ username, token, rootFolderId: created.User?.RootFolderId ?? '' });
    }
    const folders: string[] = [];
    for (let i = 0; i < o.vus; i++) {
      const user = users[i % users.length]!;
      const folder = await admin.send(
        new CreateFolderCommand({
          ParentFolderId: user.rootFolderId,
          Name: `soak-vu-${String(i).padStart(2, '0')}`,
        }),
      );
      folders.push(folder.Metadata?.Id ?? '');
    }
    log(`${users.length} users, ${o.vus} folders`);

    const recorder = new Recorder(codes);
    const startPoint = await sampleBoth(gateway, wdl, 'start');
    const stats0 = await stats(wdl.url);
    await startFaults(wdl.url, o.rates);
    log(
      `load: ${o.vus} virtual users for ${o.durationMs / 1000} s; faults: ${o.rates.exception * 100}% exceptions, ${o.rates.slow * 100}% slowed by ${o.rates.delayMs} ms (deadline ${o.timeoutMs} ms), ${o.rates.drop * 100}% dropped`,
    );
    const started = Date.now();
    const endAt = started + o.durationMs;
    const stopVus = new AbortController();
    let crashed: Server | undefined;
    const stopping = (): boolean => Date.now() >= endAt || crashed !== undefined;
    const vus = folders.map(
      (folderId, i) =>
        new VirtualUser({
          index: i,
          gatewayUrl: gateway.url,
          token: users[i % users.length]!.token,
          username: users[i % users.length]!.username,
          folderId,
          maxBytes: o.maxBytes,
          recorder,
          stopping,
          signal: stopVus.signal,
        }),
    );
    const memory: MemoryPoint[] = [startPoint];
    const timeline: MemoryPoint[] = [];
    const ticker = setInterval(() => {
      for (const s of servers) {
        if (s.exit && !s.stopping && !crashed) {
          crashed = s;
          recorder.violation(
            'crashes',
            `${s.name} (pid ${s.pid}) exited during the load: code ${String(s.exit.code)}, signal ${String(s.exit.signal)}`,
          );
        }
      }
      void sampleBoth(gateway, wdl, 'tick').then((p) => {
        timeline.push(p);
      });
      const done = recorder.uploads.length;
      process.stdout.write(
        `\r[soak] ${Math.round((Date.now() - started) / 1000)} s, ${done} uploads started   `,
      );
    }, 2000);
    const running = Promise.all(vus.map((vu) => vu.run()));
    // Every VU finishes its current upload after the time is up; those stuck longer are cut off.
    const cutoff = new Promise<'cutoff'>((resolve) =>
      setTimeout(() => {
        resolve('cutoff');
      }, o.durationMs + 120_000).unref(),
    );
    const finished = await Promise.race([running.then(() => 'done' as const), cutoff]);
    if (finished === 'cutoff') {
      recorder.violation(
        'crashes',
        'virtual users still waiting 120 s after the end: requests hang',
      );
      stopVus.abort();
      await running;
    }
    clearInterval(ticker);
    process.stdout.write('\n');
    const loadMs = Date.now() - started;
    // RSS saws up and down with garbage collection: compare medians of the samples around the
    // middle (45–55% of the load) and of its last tenth, not two single samples.
    const last = await sampleBoth(gateway, wdl, 'end');
    memory.push(
      windowPoint(
        timeline,
        started + o.durationMs * 0.45,
        started + o.durationMs * 0.55,
        'middle',
      ) ?? {
        ...last,
        label: 'middle',
      },
    );
    memory.push(windowPoint(timeline, started + o.durationMs * 0.9, endAt, 'end') ?? last);
    for (const s of servers) {
      if (s.exit && !crashed) {
        crashed = s;
        recorder.violation(
          'crashes',
          `${s.name} (pid ${s.pid}) exited during the load: code ${String(s.exit.code)}`,
        );
      }
    }
    let injections: Injections = { faults: {}, delayed: {}, dropped: {} };
    let verify;
    let stats1: Record<string, number> = {};
    if (!crashed) {
      injections = await stopFaults(wdl.url);
      // Slowed calls still sleeping inside WorkDocs Local have run already; wait them out.
      await sleep(o.rates.delayMs + 500);
      stats1 = await stats(wdl.url);
      log('load done; checking the end state');
      verify = await verifyEndState(admin, folders, recorder, 256 * MiB);
    }
    admin.destroy();
    admin = undefined;
    const idle = crashed ? undefined : await settle(gateway, wdl, startPoint, 20_000);
    if (idle) memory.push(idle);
    const stops = [];
    for (const s of [...servers].reverse()) {
      const r = await stopServer(s);
      stops.push({ name: s.name, ...r });
      if (!crashed && (r.code !== 0 || r.forced)) {
        recorder.violation(
          'crashes',
          `${s.name} did not stop cleanly on SIGTERM: code ${String(r.code)}, signal ${String(r.signal)}${r.forced ? ' (killed)' : ''}`,
        );
      }
    }
    const report = await buildReport({
      options: o,
      recorder,
      injections,
      statsBefore: stats0,
      statsAfter: stats1,
      loadMs,
      memory,
      timeline,
      verify,
      stops,
      servers: { gateway, workdocsLocal: wdl },
      load: { startedAt: started, endAt },
      crashed: crashed !== undefined,
    });
    printReport(report);
    const file = await writeReport(report, o.results);
    log(`report ${file}${o.results ? ' and a row in bench/RESULTS.md' : ''}`);
    exitCode = report.passed ? 0 : 1;
    if (o.keep) log(`logs and data kept in ${runDir}`);
    else if (!report.passed) log(`logs kept in ${runDir}`);
    return exitCode;
  } catch (err) {
    process.stderr.write(
      `soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 2;
  } finally {
    admin?.destroy();
    for (const s of servers) await stopServer(s);
    // A failed run keeps the logs (not the uploaded bytes) for the post-mortem.
    if (!o.keep) {
      await rm(exitCode === 0 ? runDir : dataDir, { recursive: true, force: true });
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
