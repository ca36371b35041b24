/**
 * The soak's report: every check as a figure, throughput and latency per operation, faults
 * injected, error codes seen, memory and descriptors; printed, written as JSON to bench/out/ and
 * summarised as a row of bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { format, resolveConfig } from 'prettier';
import path from 'node:path';
import { faultsByCode, total, type FaultRates, type Injections } from './faults.js';
import { heapAfterFullGc, REPO_ROOT, type ProcessSample, type Server } from './processes.js';
import { CHECKS, Recorder, WRITE_OPERATIONS, type Check, type WriteOperation } from './record.js';
import type { VerifyFigures } from './verify.js';

export interface MemoryPoint {
  label: string;
  atMs: number;
  gateway: ProcessSample | undefined;
  workdocsLocal: ProcessSample | undefined;
}

/** The settings of a soak run. */
export interface SoakSettings {
  durationMs: number;
  quick: boolean;
  traceGc: boolean;
  vus: number;
  users: number;
  maxBytes: number;
  timeoutMs: number;
  rates: FaultRates;
}

export interface ReportInput {
  options: SoakSettings;
  recorder: Recorder;
  injections: Injections;
  statsBefore: Record<string, number>;
  statsAfter: Record<string, number>;
  loadMs: number;
  memory: MemoryPoint[];
  timeline: MemoryPoint[];
  verify: VerifyFigures | undefined;
  stops: { name: string; code: number | null; signal: string | null; forced: boolean }[];
  servers: Record<'gateway' | 'workdocsLocal', Pick<Server, 'logFile' | 'spawnedAt'>>;
  load: { startedAt: number; endAt: number };
  crashed: boolean;
}

const MEMORY_GROWTH_LIMIT = 0.1;
const FD_GROWTH_LIMIT = 10;

export function median(values: number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function mib(bytes: number | undefined): number {
  return Math.round(((bytes ?? 0) / 1024 / 1024) * 10) / 10;
}

async function errorLines(
  file: string,
): Promise<{ error: number; fatal: number; samples: string[] }> {
  const text = await readFile(file, 'utf8').catch(() => '');
  let error = 0;
  let fatal = 0;
  const samples: string[] = [];
  for (const line of text.split('\n')) {
    const m = /"level":(\d+)/.exec(line);
    const level = Number(m?.[1] ?? 0);
    if (level >= 60) fatal += 1;
    else if (level >= 50) error += 1;
    else continue;
    if (samples.length < 5) samples.push(line.slice(0, 500));
  }
  return { error, fatal, samples };
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}

export async function buildReport(input: ReportInput) {
  const { recorder: r, injections: inj, options: o } = input;

  // 5xx answers no injected fault explains: per fault, the responses beyond its count.
  const injectedBy: Record<string, number> = {
    exception: faultsByCode(inj).ServiceUnavailableException ?? 0,
    slowed: total(inj.delayed),
    dropped: total(inj.dropped),
  };
  const fiveXx: Record<
    string,
    { responses: number; injected: number | null; unexplained: number }
  > = {};
  for (const [cause, responses] of r.fiveXxByCause) {
    const injected = injectedBy[cause] ?? null;
    const unexplained = injected === null ? responses : Math.max(0, responses - injected);
    fiveXx[cause] = { responses, injected, unexplained };
    if (unexplained > 0) {
      r.violation(
        'unexplained5xx',
        `${unexplained} response(s) with a 5xx (${cause}) beyond the ${String(injected ?? 0)} faults that explain it`,
      );
    }
  }
  const fiveXxCodes = Object.fromEntries(r.fiveXx);

  // The gateway never sent a write more often than its clients asked.
  const writes: Record<string, { clientSent: number; workdocsReceived: number }> = {};
  for (const [op, wdOp] of Object.entries(WRITE_OPERATIONS) as [WriteOperation, string][]) {
    const received = (input.statsAfter[wdOp] ?? 0) - (input.statsBefore[wdOp] ?? 0);
    writes[op] = { clientSent: r.writesSent[op], workdocsReceived: received };
    if (!input.crashed && received > r.writesSent[op]) {
      r.violation(
        'duplicates',
        `WorkDocs received ${received} ${wdOp} calls for ${r.writesSent[op]} ${op} mutations: the gateway sent a write twice`,
      );
    }
  }

  // Memory flat (end within 10% of the middle), descriptors back to their idle count.
  const at = (label: string): MemoryPoint | undefined =>
    input.memory.find((p) => p.label === label);
  const start = at('start');
  const middle = at('middle');
  const end = at('end');
  const idle = at('end (idle)');
  const memory: Record<string, unknown> = {};
  for (const proc of ['gateway', 'workdocsLocal'] as const) {
    const m = middle?.[proc]?.rssBytes;
    const e = end?.[proc]?.rssBytes;
    const growth = m !== undefined && e !== undefined && m > 0 ? (e - m) / m : null;
    const fdStart = start?.[proc]?.fds;
    const fdIdle = idle?.[proc]?.fds;
    const gcs = o.traceGc ? await heapAfterFullGc(input.servers[proc]) : [];
    const { startedAt, endAt } = input.load;
    const span = endAt - startedAt;
    const heapIn = (from: number, to: number): number | null =>
      median(gcs.filter((g) => g.atMs >= from && g.atMs <= to).map((g) => g.heapMiB)) ?? null;
    memory[proc] = {
      ...(o.traceGc
        ? {
            heapAfterFullGcMiB: {
              fullGcs: gcs.length,
              middle: heapIn(startedAt + span * 0.4, startedAt + span * 0.6),
              end: heapIn(startedAt + span * 0.8, endAt),
            },
          }
        : {}),
      rssMiB: {
        start: mib(start?.[proc]?.rssBytes),
        middle: mib(m),
        end: mib(e),
        idle: mib(idle?.[proc]?.rssBytes),
      },
      endVsMiddle: growth === null ? null : Math.round(growth * 1000) / 10,
      fds: { start: fdStart ?? null, end: end?.[proc]?.fds ?? null, idle: fdIdle ?? null },
      sockets: {
        start: start?.[proc]?.sockets ?? null,
        end: end?.[proc]?.sockets ?? null,
        idle: idle?.[proc]?.sockets ?? null,
      },
    };
    if (growth !== null && growth > MEMORY_GROWTH_LIMIT) {
      r.violation(
        'leaks',
        `${proc} RSS grew ${(growth * 100).toFixed(1)}% from the middle to the end (${mib(m)} → ${mib(e)} MiB)`,
      );
    }
    if (fdStart !== undefined && fdIdle !== undefined && fdIdle - fdStart > FD_GROWTH_LIMIT) {
      r.violation(
        'leaks',
        `${proc} holds ${fdIdle} descriptors when idle after the load, ${fdStart} before it`,
      );
    }
  }

  const logs = {
    gateway: await errorLines(input.servers.gateway.logFile),
    workdocsLocal: await errorLines(input.servers.workdocsLocal.logFile),
  };
  for (const [name, l] of Object.entries(logs)) {
    if (l.fatal > 0)
      r.violation('crashes', `${name} logged ${l.fatal} fatal line(s): ${l.samples[0] ?? ''}`);
  }

  const seconds = input.loadMs / 1000;
  const operations: Record<string, unknown> = {};
  let requests = 0;
  for (const [op, s] of [...r.ops].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...s.ms].sort((a, b) => a - b);
    requests += s.count;
    operations[op] = {
      count: s.count,
      ok: s.ok,
      failed: s.failed,
      perSecond: Math.round((s.count / seconds) * 10) / 10,
      p50ms: Math.round(Recorder.percentile(sorted, 50) * 10) / 10,
      p99ms: Math.round(Recorder.percentile(sorted, 99) * 10) / 10,
    };
  }
  const errorCodes: Record<string, { total: number; byOperation: Record<string, number> }> = {};
  for (const [code, byOp] of [...r.errorCodes].sort(([a], [b]) => a.localeCompare(b))) {
    errorCodes[code] = {
      total: [...byOp.values()].reduce((a, b) => a + b, 0),
      byOperation: Object.fromEntries(byOp),
    };
  }
  const plans: Record<string, Record<string, number>> = {};
  for (const u of r.uploads) {
    const key = `initiate ${u.initiate}, put ${u.put}, complete ${u.complete}, abort ${u.abort}`;
    const p = (plans[u.plan] ??= {});
    p[key] = (p[key] ?? 0) + 1;
  }

  const checks = Object.fromEntries(CHECKS.map((c) => [c, r.count(c)])) as Record<Check, number>;
  const gating: Check[] = o.quick ? CHECKS.filter((c) => c !== 'leaks') : [...CHECKS];
  const passed = gating.every((c) => checks[c] === 0);
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    machine: {
      cpu: `${String(cpus.length)}× ${cpus[0]?.model.trim() ?? 'unknown'}`,
      memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    commit: gitCommit(),
    settings: {
      quick: o.quick,
      durationSeconds: Math.round(seconds),
      virtualUsers: o.vus,
      users: o.users,
      maxUploadBytes: o.maxBytes,
      gatewayDeadlineMs: o.timeoutMs,
      faultRates: o.rates,
    },
    passed,
    gatingChecks: gating,
    checks,
    violations: Object.fromEntries(CHECKS.map((c) => [c, r.violations.get(c)?.samples ?? []])),
    throughput: {
      uploadsStarted: r.uploads.length,
      uploadsPerSecond: Math.round((r.uploads.length / seconds) * 10) / 10,
      requests,
      requestsPerSecond: Math.round((requests / seconds) * 10) / 10,
      mibUploaded: mib(r.bytesUp),
      mibDownloaded: mib(r.bytesDown),
    },
    operations,
    faultsInjected: {
      exceptions: faultsByCode(inj),
      slowed: total(inj.delayed),
      dropped: total(inj.dropped),
      byOperation: inj,
    },
    errorCodes,
    fiveXx,
    fiveXxCodes,
    transportErrors: r.transportErrors,
    writes,
    clientRetries: Object.fromEntries(r.clientRetries),
    uploads: plans,
    endState: input.verify ?? null,
    memory,
    timeline: input.timeline.map((p) => ({
      s: Math.round((p.atMs - (input.memory[0]?.atMs ?? p.atMs)) / 1000),
      gatewayRssMiB: mib(p.gateway?.rssBytes),
      workdocsLocalRssMiB: mib(p.workdocsLocal?.rssBytes),
      gatewayFds: p.gateway?.fds ?? null,
      workdocsLocalFds: p.workdocsLocal?.fds ?? null,
    })),
    logErrors: logs,
    stops: input.stops,
  };
}

export type Report = Awaited<ReturnType<typeof buildReport>>;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

export function printReport(rep: Report): void {
  const out: string[] = [];
  const s = rep.settings;
  out.push(
    '',
    `Soak ${rep.date} on ${rep.machine.cpu}, Node ${rep.machine.node}, commit ${rep.commit}`,
    `${s.durationSeconds} s, ${s.virtualUsers} virtual users over ${s.users} users, uploads up to ${mib(s.maxUploadBytes)} MiB, gateway deadline ${s.gatewayDeadlineMs} ms`,
    '',
    'Checks (each must be 0)',
  );
  for (const [check, n] of Object.entries(rep.checks)) {
    const gating = (rep.gatingChecks as string[]).includes(check)
      ? ''
      : '  (reported, not gating in --quick)';
    out.push(`  ${check.padEnd(16)} ${String(n)}${gating}`);
    for (const sample of (rep.violations as Record<string, string[]>)[check] ?? [])
      out.push(`      - ${sample}`);
  }
  out.push(
    '',
    `Throughput: ${rep.throughput.uploadsStarted} uploads (${rep.throughput.uploadsPerSecond}/s), ${rep.throughput.requests} requests (${rep.throughput.requestsPerSecond}/s), ${rep.throughput.mibUploaded} MiB up, ${rep.throughput.mibDownloaded} MiB down`,
  );
  const opRows = [['operation', 'count', 'ok', 'failed', '/s', 'p50 ms', 'p99 ms']];
  for (const [op, v] of Object.entries(rep.operations) as [string, Record<string, number>][]) {
    opRows.push([
      op,
      ...['count', 'ok', 'failed', 'perSecond', 'p50ms', 'p99ms'].map((k) => String(v[k])),
    ]);
  }
  out.push(table(opRows).replace(/^/gm, '  '));
  const f = rep.faultsInjected;
  out.push(
    '',
    `Faults injected: ${
      Object.entries(f.exceptions)
        .map(([c, n]) => `${c} ${String(n)}`)
        .join(', ') || 'no exceptions'
    }; slowed ${f.slowed}; dropped ${f.dropped}`,
    `Error codes seen: ${
      Object.entries(rep.errorCodes)
        .map(([c, v]) => `${c} ${String(v.total)}`)
        .join(', ') || 'none'
    }`,
    `5xx answers: ${
      Object.entries(rep.fiveXxCodes)
        .map(([c, n]) => `${c} ${String(n)}`)
        .join(', ') || 'none'
    }`,
    `  by the fault that explains them (responses / faults injected): ${
      Object.entries(rep.fiveXx)
        .map(
          ([c, v]) =>
            `${c} ${String(v.responses)}/${String(v.injected ?? 0)}${v.unexplained > 0 ? ` (unexplained ${String(v.unexplained)})` : ''}`,
        )
        .join(', ') || 'none'
    }`,
    `Writes (client sent / WorkDocs received): ${Object.entries(rep.writes)
      .map(([op, w]) => `${op} ${String(w.clientSent)}/${String(w.workdocsReceived)}`)
      .join(', ')}`,
    `Client retries: ${
      Object.entries(rep.clientRetries)
        .map(([k, n]) => `${k} ${String(n)}`)
        .join(', ') || 'none'
    }`,
  );
  if (rep.endState) {
    out.push(
      `End state: ${rep.endState.documents} documents (${rep.endState.active} ACTIVE, ${rep.endState.initialized} INITIALIZED); ${rep.endState.downloadedAtEnd} downloaded and hashed again`,
    );
  }
  out.push('Memory and descriptors:');
  for (const [proc, m] of Object.entries(rep.memory) as [
    string,
    {
      rssMiB: Record<string, number>;
      endVsMiddle: number | null;
      fds: Record<string, number | null>;
      sockets: Record<string, number | null>;
      heapAfterFullGcMiB?: { fullGcs: number; middle: number | null; end: number | null };
    },
  ][]) {
    out.push(
      `  ${proc.padEnd(14)} RSS MiB start ${m.rssMiB.start}, middle ${m.rssMiB.middle}, end ${m.rssMiB.end} (${m.endVsMiddle === null ? '?' : `${m.endVsMiddle > 0 ? '+' : ''}${m.endVsMiddle}%`} vs middle); fds ${String(m.fds.start)} → ${String(m.fds.end)} under load → ${String(m.fds.idle)} idle; sockets ${String(m.sockets.start)} → ${String(m.sockets.end)} → ${String(m.sockets.idle)}`,
    );
    const h = m.heapAfterFullGcMiB;
    if (h) {
      out.push(
        `  ${''.padEnd(14)} V8 heap after full GC (${h.fullGcs} of them) MiB: middle ${String(h.middle)}, end ${String(h.end)}`,
      );
    }
  }
  out.push(
    `Logged errors: gateway ${rep.logErrors.gateway.error} (fatal ${rep.logErrors.gateway.fatal}), WorkDocs Local ${rep.logErrors.workdocsLocal.error} (fatal ${rep.logErrors.workdocsLocal.fatal})`,
    '',
    rep.passed
      ? 'PASSED: every check is at zero'
      : `FAILED: ${Object.entries(rep.checks)
          .filter(([c, n]) => n > 0 && (rep.gatingChecks as string[]).includes(c))
          .map(([c, n]) => `${c} ${String(n)}`)
          .join(', ')}`,
    '',
  );
  process.stdout.write(out.join('\n'));
}

const RESULTS_HEADER = `
## Soak (\`npm run soak\`)

Each row is one run of \`npm run soak\` (see the README, "Soak test"). Checks count
violations and must be 0; RSS is the gateway's and WorkDocs Local's at the middle and the end of
the load.

| Date (UTC) | Machine | Commit | Duration | VUs | Uploads/s | Requests/s | initiate p50/p99 ms | Faults exc/slow/drop | Crashes | Unexpl. 5xx | Untyped | Duplicates | Integrity | Leaks | Gateway RSS MiB | WDL RSS MiB | Result |
| ---------- | ------- | ------ | -------- | --- | --------- | ---------- | ------------------- | -------------------- | ------- | ----------- | ------- | ---------- | --------- | ----- | --------------- | ----------- | ------ |
`;

/** Writes bench/out/soak-<date>.json and, if asked, appends a row to bench/RESULTS.md. */
export async function writeReport(rep: Report, results: boolean): Promise<string> {
  const outDir = path.join(REPO_ROOT, 'bench', 'out');
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, `soak-${rep.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(rep, null, 2)}\n`);
  if (!results) return path.relative(REPO_ROOT, file);
  const resultsFile = path.join(REPO_ROOT, 'bench', 'RESULTS.md');
  let text = await readFile(resultsFile, 'utf8').catch(() => '');
  if (text === '') text = '# Benchmark results\n';
  if (!text.includes('## Soak (`npm run soak`)')) {
    text = `${text}${text.endsWith('\n') ? '' : '\n'}${RESULTS_HEADER}`;
  }
  const c = rep.checks;
  const f = rep.faultsInjected;
  const init = (rep.operations as Record<string, { p50ms: number; p99ms: number } | undefined>)
    .initiate;
  const mem = rep.memory as Record<string, { rssMiB: { middle: number; end: number } }>;
  const row = [
    rep.date.slice(0, 16).replace('T', ' '),
    rep.machine.cpu,
    rep.commit,
    `${rep.settings.durationSeconds} s${rep.settings.quick ? ' (quick)' : ''}`,
    String(rep.settings.virtualUsers),
    String(rep.throughput.uploadsPerSecond),
    String(rep.throughput.requestsPerSecond),
    init ? `${init.p50ms}/${init.p99ms}` : '-',
    `${String(total(f.exceptions))}/${String(f.slowed)}/${String(f.dropped)}`,
    String(c.crashes),
    String(c.unexplained5xx),
    String(c.untypedErrors),
    String(c.duplicates),
    String(c.integrity),
    String(c.leaks),
    `${String(mem.gateway?.rssMiB.middle)} → ${String(mem.gateway?.rssMiB.end)}`,
    `${String(mem.workdocsLocal?.rssMiB.middle)} → ${String(mem.workdocsLocal?.rssMiB.end)}`,
    rep.passed ? 'passed' : 'FAILED',
  ];
  // The row goes at the end of the soak table, wherever other sections follow it.
  const lines = text.split('\n');
  let i = lines.findIndex((l) => l.startsWith('## Soak (`npm run soak`)'));
  while (i < lines.length && !lines[i]!.startsWith('|')) i += 1;
  while (i < lines.length && lines[i]!.startsWith('|')) i += 1;
  lines.splice(i, 0, `| ${row.join(' | ')} |`);
  // Formatted as the repository formats Markdown (a table's columns stay aligned).
  const options = (await resolveConfig(resultsFile)) ?? {};
  await writeFile(
    resultsFile,
    await format(lines.join('\n'), { ...options, filepath: resultsFile }),
  );
  return path.relative(REPO_ROOT, file);
}
