/**
 * Renders the figures of a `npm run bench` JSON report into bench/RESULTS.md, between the markers
 * `<!-- results:start -->` and `<!-- results:end -->` (the prose around them is kept).
 *
 *   node --import tsx bench/render-results.ts [bench/out/latest.json]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { table } from './table.js';

interface Report {
  date: string;
  command: string;
  seconds: number;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    platform: string;
    pinned: boolean;
    loadAverage: number[];
  };
  results: Record<string, unknown>;
}

const input = process.argv[2] ?? fileURLToPath(new URL('out/latest.json', import.meta.url));
const report = JSON.parse(readFileSync(input, 'utf8')) as Report;
const m = report.machine;
const block = [
  '<!-- results:start -->',
  `Measured ${report.date} with \`${report.command}\` (${String(report.seconds)} s).`,
  '',
  `Machine: ${m.cpu}, ${String(m.cores)} cores, ${String(m.memoryGiB)} GiB, Node ${m.node}, ${m.platform}; ` +
    `${m.pinned ? 'process under test pinned to core 0, backend and load generator on core 1' : 'NOT pinned (taskset missing or one core)'}; ` +
    `load average at the end ${m.loadAverage.join(' / ')}.`,
  '',
  table(report.results),
  '<!-- results:end -->',
].join('\n');

const file = fileURLToPath(new URL('RESULTS.md', import.meta.url));
const current = readFileSync(file, 'utf8');
const start = current.indexOf('<!-- results:start -->');
const end = current.indexOf('<!-- results:end -->');
if (start < 0 || end < 0) throw new Error(`${file} has no results markers`);
writeFileSync(
  file,
  current.slice(0, start) + block + current.slice(end + '<!-- results:end -->'.length),
);
// As `npm run format` would write it, so `format:check` stays green.
execFileSync(
  fileURLToPath(new URL('../node_modules/.bin/prettier', import.meta.url)),
  ['--write', file],
  {
    stdio: 'ignore',
  },
);
process.stdout.write(`updated ${file} from ${input}\n`);
