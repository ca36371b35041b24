/**
 * The WorkDocs Local section of `npm run bench`: WorkDocs Local (`node dist/workdocs-local/cli.js`,
 * alone on the core under test) driven over the official SDK by bench/local-driver.ts on the other
 * core.
 *
 * 1. Scale: the demo user's library grows to 10 / 1,000 / 10,000 documents in one folder (the
 *    first 50 uploaded and activated, the others initiated: a version each, awaiting its bytes —
 *    seeding 10,000 complete uploads took minutes); at each size, InitiateDocumentVersionUpload throughput (into a
 *    fresh folder) and DescribeFolderContents throughput of the big folder, a page of 10 (the
 *    smallest library's size, so every size answers the same full page). Flat means the last
 *    size's req/s ÷ the first's stays near 1.
 * 2. A 1 GiB upload (PUT to the signed URL) vs bench/stream-server.ts, alternated; WorkDocs Local's
 *    peak RSS is that of a process that served only this upload.
 *
 * `--database-url` is handed to WorkDocs Local as WORKDOCS_LOCAL_DATABASE_URL (the PostgreSQL
 * storage of issue #12, once it exists) — recorded in the JSON with the figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TOKEN } from './fixtures.js';
import { BENCH_KEYS } from './local-keys.js';
import {
  CORE_OTHERS,
  CORE_UNDER_TEST,
  freePort,
  peakRssMiB,
  runNode,
  startNode,
  type Proc,
} from './procs.js';

export interface Throughput {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
}
export interface LocalSection {
  databaseUrl: string | undefined;
  levels: { documents: number; seedSeconds: number; initiate: Throughput; list: Throughput }[];
  /** req/s at the largest size ÷ req/s at the smallest. */
  flatness: { initiate: number; list: number };
  upload: {
    bytes: number;
    runs: { server: string; mibPerSecond: number }[];
    mibPerSecond: { minimal: number; workdocsLocal: number };
    ratio: number;
    workdocsLocalPeakRssMiB: number | undefined;
  };
  /** Rows for the printed table. */
  rows: string[][];
}

export async function drive<T>(spec: Record<string, unknown>): Promise<T> {
  const out = await runNode(
    ['--import', 'tsx', 'bench/local-driver.ts', JSON.stringify(spec)],
    CORE_OTHERS,
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

async function startLocal(
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<{ proc: Proc; endpoint: string; rootFolderId: string }> {
  const proc = await startNode('workdocs-local', ['dist/workdocs-local/cli.js'], {
    core: CORE_UNDER_TEST,
    env: {
      WORKDOCS_LOCAL_PORT: String(await freePort()),
      WORKDOCS_LOCAL_DATA_DIR: dataDir,
      WORKDOCS_LOCAL_DEMO_TOKEN: TOKEN,
      WORKDOCS_LOCAL_FOLDER_CHILD_LIMIT: '1000000',
      WORKDOCS_LOCAL_ACCESS_KEY_ID: BENCH_KEYS.accessKeyId,
      WORKDOCS_LOCAL_SECRET_ACCESS_KEY: BENCH_KEYS.secretAccessKey,
      LOG_LEVEL: 'warn',
      ...(databaseUrl === undefined ? {} : { WORKDOCS_LOCAL_DATABASE_URL: databaseUrl }),
    },
    ready: /endpoint\s+(http\S+)[\s\S]*\(root folder (\S+)\)/,
  });
  return { proc, endpoint: proc.ready, rootFolderId: proc.match[2]! };
}

const r2 = (n: number): number => Math.round(n * 100) / 100;

export async function runLocalSection(opts: {
  quick: boolean;
  databaseUrl: string | undefined;
  log: (line: string) => void;
}): Promise<LocalSection> {
  const { quick, databaseUrl, log } = opts;
  const sizes = quick ? [10, 100] : [10, 1_000, 10_000];
  const seconds = quick ? 1 : 5;
  const uploadBytes = quick ? 32 * 2 ** 20 : 2 ** 30;
  const uploadRounds = quick ? 1 : 2;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-local-'));
  const levels: LocalSection['levels'] = [];
  let upload: LocalSection['upload'];
  try {
    // 1. scale
    log(`local: library of ${sizes.join(' / ')} documents`);
    const local = await startLocal(path.join(dir, 'scale'), databaseUrl);
    try {
      const common = { endpoint: local.endpoint, token: TOKEN };
      const { folderId: library } = await drive<{ folderId: string }>({
        ...common,
        mode: 'folder',
        folderId: local.rootFolderId,
        name: 'library',
      });
      let have = 0;
      for (const size of sizes) {
        const seeded = await drive<{ seconds: number }>({
          ...common,
          mode: 'seed',
          folderId: library,
          from: have,
          uploadBelow: 50,
          count: size - have,
          concurrency: 16,
        });
        have = size;
        const { folderId: target } = await drive<{ folderId: string }>({
          ...common,
          mode: 'folder',
          folderId: local.rootFolderId,
          name: `target-${String(size)}`,
        });
        const initiate = await drive<Throughput>({
          ...common,
          mode: 'initiate',
          folderId: target,
          seconds,
          concurrency: 32,
        });
        const list = await drive<Throughput>({
          ...common,
          mode: 'list',
          folderId: library,
          seconds,
          concurrency: 32,
        });
        levels.push({ documents: size, seedSeconds: r2(seeded.seconds), initiate, list });
        log(
          `  ${String(size)} documents (seeded in ${seeded.seconds.toFixed(1)} s): initiate ${initiate.rps.toFixed(0)} req/s, list ${list.rps.toFixed(0)} req/s`,
        );
      }
    } finally {
      await local.proc.stop();
    }

    // 2. one big upload, alternated with the minimal server
    log(`local: ${String(uploadBytes / 2 ** 20)} MiB upload vs a minimal streaming server`);
    const runs: { server: string; mibPerSecond: number }[] = [];
    const uploadLocal = await startLocal(path.join(dir, 'upload'), databaseUrl);
    const minimalDir = path.join(dir, 'minimal');
    await import('node:fs/promises').then((fs) => fs.mkdir(minimalDir));
    const minimal = await startNode(
      'stream-server',
      ['--import', 'tsx', 'bench/stream-server.ts', minimalDir],
      { core: CORE_UNDER_TEST, ready: /LISTENING (\d+)/ },
    );
    let peak: number | undefined;
    try {
      for (let round = 0; round < uploadRounds; round++) {
        const m = await drive<{ mibPerSecond: number }>({
          mode: 'upload',
          url: `http://127.0.0.1:${minimal.ready}/`,
          headers: { 'content-type': 'application/octet-stream' },
          bytes: uploadBytes,
        });
        runs.push({ server: 'minimal', mibPerSecond: r2(m.mibPerSecond) });
        await rm(minimalDir, { recursive: true, force: true });
        await import('node:fs/promises').then((fs) => fs.mkdir(minimalDir));
        const target = await drive<{ url: string; headers: Record<string, string> }>({
          mode: 'prepare-upload',
          endpoint: uploadLocal.endpoint,
          token: TOKEN,
          folderId: uploadLocal.rootFolderId,
          bytes: uploadBytes,
        });
        const w = await drive<{ mibPerSecond: number }>({
          mode: 'upload',
          url: target.url,
          headers: target.headers,
          bytes: uploadBytes,
        });
        runs.push({ server: 'workdocs-local', mibPerSecond: r2(w.mibPerSecond) });
        log(
          `  #${String(round + 1)} minimal ${m.mibPerSecond.toFixed(0)} MiB/s, WorkDocs Local ${w.mibPerSecond.toFixed(0)} MiB/s`,
        );
      }
      peak = peakRssMiB(uploadLocal.proc.pid);
    } finally {
      await uploadLocal.proc.stop();
      await minimal.stop();
    }
    const mean = (s: string): number => {
      const xs = runs.filter((r) => r.server === s).map((r) => r.mibPerSecond);
      return r2(xs.reduce((a, b) => a + b, 0) / xs.length);
    };
    upload = {
      bytes: uploadBytes,
      runs,
      mibPerSecond: { minimal: mean('minimal'), workdocsLocal: mean('workdocs-local') },
      ratio: r2(mean('workdocs-local') / mean('minimal')),
      workdocsLocalPeakRssMiB: peak,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const first = levels[0]!;
  const last = levels.at(-1)!;
  const flatness = {
    initiate: r2(last.initiate.rps / first.initiate.rps),
    list: r2(last.list.rps / first.list.rps),
  };
  const rows: string[][] = [];
  for (const l of levels) {
    rows.push([
      `WorkDocs Local, ${String(l.documents)} documents: initiate / list (req/s)`,
      '',
      `${l.initiate.rps.toFixed(0)} / ${l.list.rps.toFixed(0)}`,
      '',
      '',
    ]);
  }
  rows.push([
    `WorkDocs Local ${String(last.documents)} vs ${String(first.documents)} documents: initiate / list`,
    '',
    '',
    `${String(flatness.initiate)}× / ${String(flatness.list)}×`,
    'flat (≈ 1.0)',
  ]);
  rows.push([
    `${String(uploadBytes / 2 ** 20)} MiB upload (MiB/s): minimal server vs WorkDocs Local`,
    String(upload.mibPerSecond.minimal),
    String(upload.mibPerSecond.workdocsLocal),
    `${String(upload.ratio)}×`,
    '≥ 0.8',
  ]);
  rows.push([
    'WorkDocs Local peak RSS during the upload (MiB)',
    '',
    String(upload.workdocsLocalPeakRssMiB),
    '',
    '≤ 100',
  ]);
  return { databaseUrl, levels, flatness, upload, rows };
}
