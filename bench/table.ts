/**
 * The table `npm run bench` prints and bench/render-results.ts puts in bench/RESULTS.md, from the
 * `results` of the JSON report.
 */
import type { LoadResult } from './load.js';
import type { LocalSection } from './local.js';
import type { PostgresSection } from './postgres.js';

export interface Run {
  contender: string;
  round: number;
  result: LoadResult;
}

export interface Comparison {
  name: string;
  runs: Run[];
  /** Mean req/s of each contender over its runs. */
  rps: Record<string, number>;
  /** p99 (ms) of each contender, the worst of its runs. */
  p99: Record<string, number>;
  /** Peak RSS (MiB) of each contender's process, when measured. */
  peakRssMiB: Record<string, number | undefined>;
  /** second contender's req/s ÷ first's, over all runs, and per round. */
  ratio: number;
  ratioPerRound: number[];
  /** CPU time per request (µs) of each contender's process, over all its runs. */
  cpuUsPerRequest: Record<string, number>;
  /** first's CPU per request ÷ second's: the throughput ratio a quiet, saturated core would show. */
  cpuRatio: number;
}

/** CPU µs per request of both, and baseline ÷ gateway (the throughput ratio of a quiet core). */
function cpuRow(name: string, c: Comparison): string[] {
  return [
    `${name}: CPU per request (µs)`,
    String(c.cpuUsPerRequest.baseline),
    String(c.cpuUsPerRequest.gateway),
    `${String(c.cpuRatio)}×`,
    '',
  ];
}

export function table(results: Record<string, unknown>): string {
  const rows: string[][] = [['measure', 'baseline', 'gateway', 'ratio / delta', 'target']];
  const t = results.throughput as Comparison | undefined;
  if (t) {
    rows.push([
      'mutation throughput (req/s)',
      String(t.rps.baseline),
      String(t.rps.gateway),
      `${String(t.ratio)}× (rounds ${t.ratioPerRound.join(', ')})`,
      '≥ 1.0 (must ≥ 0.9)',
    ]);
    rows.push(cpuRow('mutation', t));
    rows.push([
      'mutation p99 under load (ms)',
      String(t.p99.baseline),
      String(t.p99.gateway),
      '',
      '',
    ]);
    rows.push([
      'peak RSS (MiB)',
      String(t.peakRssMiB.baseline),
      String(t.peakRssMiB.gateway),
      '',
      'gateway ≤ 150',
    ]);
  }
  const h = results.throughputBoundedHeap as (Comparison & { flags: string[] }) | undefined;
  if (h) {
    const flags = h.flags.join(' ');
    rows.push([
      `mutation throughput, gateway with ${flags} (req/s)`,
      String(h.rps.baseline),
      String(h.rps.gateway),
      `${String(h.ratio)}× (rounds ${h.ratioPerRound.join(', ')})`,
      '≥ 1.0 (must ≥ 0.9)',
    ]);
    rows.push(cpuRow(`mutation, ${flags}`, h));
    rows.push([
      `peak RSS, gateway with ${flags} (MiB)`,
      String(h.peakRssMiB.baseline),
      String(h.peakRssMiB.gateway),
      '',
      'gateway ≤ 150',
    ]);
  }
  const r = results.rate as
    | { rate: number; p50: Record<string, number>; p99: Record<string, number>; p99DeltaMs: number }
    | undefined;
  if (r) {
    rows.push([
      `p50 at ${String(r.rate)} req/s (ms)`,
      String(r.p50.baseline),
      String(r.p50.gateway),
      '',
      '',
    ]);
    rows.push([
      `p99 at ${String(r.rate)} req/s (ms)`,
      String(r.p99.baseline),
      String(r.p99.gateway),
      `+${String(r.p99DeltaMs)} ms`,
      '≤ +2 ms',
    ]);
  }
  const reads = results.reads as Record<string, Comparison> | undefined;
  for (const [name, c] of Object.entries(reads ?? {})) {
    rows.push([
      `${name === 'contents' ? 'folder.contents(first: 50) + creators' : '_entities × 50 + creators'} (req/s)`,
      String(c.rps.baseline),
      String(c.rps.gateway),
      `${String(c.ratio)}× (rounds ${c.ratioPerRound.join(', ')})`,
      '≥ 0.9',
    ]);
    rows.push(cpuRow(name, c));
  }
  const calls = results.calls as Record<string, Record<string, { total: number }>> | undefined;
  for (const [name, m] of Object.entries(calls ?? {})) {
    rows.push([
      `${name}: upstream calls (DataLoader on / off)`,
      '',
      `${String(m.on?.total)} / ${String(m.off?.total)}`,
      '',
      '',
    ]);
  }
  const local = results.local as LocalSection | undefined;
  if (local) rows.push(...local.rows);
  const postgres = results.postgres as PostgresSection | undefined;
  if (postgres) rows.push(...postgres.rows);
  const s = results.startup as
    { externalEndpointMs: number; embeddedWorkDocsLocalMs: number } | undefined;
  if (s) {
    rows.push([
      'start-up to first response (ms), WORKDOCS_ENDPOINT',
      '',
      String(s.externalEndpointMs),
      '',
      '',
    ]);
    rows.push([
      'start-up to first response (ms), embedded WorkDocs Local',
      '',
      String(s.embeddedWorkDocsLocalMs),
      '',
      '',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}
