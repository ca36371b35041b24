/**
 * The PostgreSQL section of `npm run bench` (issue #12): WorkDocs Local with its metadata in
 * PostgreSQL, one node and then two nodes on one database and one blob directory, driven over the
 * official SDK by bench/local-driver.ts — InitiateDocumentVersionUpload (into a fresh folder) and
 * DescribeFolderContents(limit 50) of a folder of 1,000 documents (100 with --quick), req/s. With
 * two nodes a driver per node runs at once and their req/s are added.
 *
 * The database is `--database-url` if given, else a throwaway cluster (Debian's PostgreSQL
 * binaries, as the tests start it) removed afterwards; without PostgreSQL installed the section is
 * skipped. Node A runs on the core under test; node B, PostgreSQL and the drivers share the other
 * core (a two-core machine cannot give each its own): the two-node figure shows that a second node
 * serves the same organization correctly and what it adds here, not how far nodes scale.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, startPostgresCluster } from '../test/helpers/postgres.js';
import type { PostgresCluster } from '../test/helpers/postgres.js';
import { TOKEN } from './fixtures.js';
import { drive, type Throughput } from './local.js';
import { BENCH_KEYS } from './local-keys.js';
import { CORE_OTHERS, CORE_UNDER_TEST, freePort, startNode, type Proc } from './procs.js';

export interface PostgresSection {
  /** Where the database came from (the URL's password is never recorded). */
  database: 'given' | 'throwaway cluster';
  documents: number;
  nodes: { nodes: number; initiate: number; list: number }[];
  rows: string[][];
}

function postgresInstalled(): boolean {
  return ['17', '16', '15'].some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
}

async function startPgNode(
  name: string,
  core: number,
  dataDir: string,
  databaseUrl: string,
): Promise<{ proc: Proc; endpoint: string; rootFolderId: string }> {
  const proc = await startNode(name, ['dist/workdocs-local/cli.js'], {
    core,
    env: {
      WORKDOCS_LOCAL_PORT: String(await freePort()),
      WORKDOCS_LOCAL_DATA_DIR: dataDir,
      WORKDOCS_LOCAL_DATABASE_URL: databaseUrl,
      WORKDOCS_LOCAL_DEMO_TOKEN: TOKEN,
      WORKDOCS_LOCAL_ACCESS_KEY_ID: BENCH_KEYS.accessKeyId,
      WORKDOCS_LOCAL_SECRET_ACCESS_KEY: BENCH_KEYS.secretAccessKey,
      WORKDOCS_LOCAL_FOLDER_CHILD_LIMIT: '1000000',
      LOG_LEVEL: 'warn',
    },
    ready: /endpoint\s+(http\S+)[\s\S]*\(root folder (\S+)\)/,
  });
  return { proc, endpoint: proc.ready, rootFolderId: proc.match[2]! };
}

export async function runPostgresSection(opts: {
  quick: boolean;
  databaseUrl: string | undefined;
  log: (line: string) => void;
}): Promise<PostgresSection | undefined> {
  const { quick, log } = opts;
  if (opts.databaseUrl === undefined && !postgresInstalled()) {
    log('postgres: skipped (PostgreSQL is not installed; apt-get install postgresql)');
    return undefined;
  }
  const documents = quick ? 100 : 1_000;
  const seconds = quick ? 1 : 5;
  let cluster: PostgresCluster | undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-pg-'));
  const procs: Proc[] = [];
  try {
    let databaseUrl = opts.databaseUrl;
    if (databaseUrl === undefined) {
      cluster = await startPostgresCluster();
      databaseUrl = await createDatabase(cluster.url);
    }
    const a = await startPgNode('workdocs-local-pg-a', CORE_UNDER_TEST, dir, databaseUrl);
    procs.push(a.proc);
    const common = { token: TOKEN };
    const { folderId: library } = await drive<{ folderId: string }>({
      ...common,
      endpoint: a.endpoint,
      mode: 'folder',
      folderId: a.rootFolderId,
      name: 'library',
    });
    log(`postgres: seeding ${String(documents)} documents`);
    await drive({
      ...common,
      endpoint: a.endpoint,
      mode: 'seed',
      folderId: library,
      from: 0,
      uploadBelow: 50,
      count: documents,
      concurrency: 16,
    });
    const measure = async (endpoints: string[], round: string) => {
      const targets = await Promise.all(
        endpoints.map((endpoint, i) =>
          drive<{ folderId: string }>({
            ...common,
            endpoint,
            mode: 'folder',
            folderId: a.rootFolderId,
            name: `target-${round}-${String(i)}`,
          }),
        ),
      );
      const initiate = await Promise.all(
        endpoints.map((endpoint, i) =>
          drive<Throughput>({
            ...common,
            endpoint,
            mode: 'initiate',
            folderId: targets[i]!.folderId,
            seconds,
            concurrency: 32,
          }),
        ),
      );
      const list = await Promise.all(
        endpoints.map((endpoint) =>
          drive<Throughput>({
            ...common,
            endpoint,
            mode: 'list',
            folderId: library,
            seconds,
            concurrency: 32,
          }),
        ),
      );
      const sum = (xs: Throughput[]): number => Math.round(xs.reduce((n, x) => n + x.rps, 0));
      return { nodes: endpoints.length, initiate: sum(initiate), list: sum(list) };
    };
    const nodes: PostgresSection['nodes'] = [await measure([a.endpoint], 'one')];
    const b = await startPgNode('workdocs-local-pg-b', CORE_OTHERS, dir, databaseUrl);
    procs.push(b.proc);
    nodes.push(await measure([a.endpoint, b.endpoint], 'two'));
    for (const n of nodes) {
      log(
        `  ${String(n.nodes)} node(s) on PostgreSQL: initiate ${String(n.initiate)} req/s, list ${String(n.list)} req/s`,
      );
    }
    const rows = nodes.map((n) => [
      `WorkDocs Local on PostgreSQL, ${String(n.nodes)} node(s), ${String(documents)} documents: initiate / list (req/s)`,
      '',
      `${String(n.initiate)} / ${String(n.list)}`,
      '',
      '',
    ]);
    return {
      database: opts.databaseUrl === undefined ? 'throwaway cluster' : 'given',
      documents,
      nodes,
      rows,
    };
  } finally {
    for (const p of procs) await p.stop();
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
