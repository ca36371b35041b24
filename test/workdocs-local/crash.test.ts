/**
 * Crash test (issue #9, "Nothing acknowledged is lost"): the WorkDocs Local CLI runs as its own
 * process on one data dir (embedded SQLite mode), is killed with SIGKILL during a large upload,
 * during a burst of activations and during a burst of initiates, then restarted on the same data
 * dir. Whatever the exact moment of the kill:
 * - every version whose PUT and activation were acknowledged (2xx) is ACTIVE with its size and
 *   SHA-256, downloaded;
 * - every acknowledged initiate still exists and can be completed with the URL given before the
 *   crash;
 * - no version is ACTIVE without its bytes (file present, its size and SHA-256 the recorded ones);
 * - after the restart's start-up cleanup no file in blobs/ or tmp/ is unknown to the versions and
 *   no pending upload row remains.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import {
  GetDocumentVersionCommand,
  InitiateDocumentVersionUploadCommand,
  WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/workdocs-local/index.js';
import { stopProcess } from '../helpers/process.js';
import { activateVersion, putToUploadUrl } from '../helpers/workdocs.js';
import { makeDataDir, spawnWorkDocsLocal, type SpawnedWorkDocsLocal } from './helpers.js';

const MiB = 1024 * 1024;

interface Running {
  proc: SpawnedWorkDocsLocal;
  client: WorkDocsClient;
  token: string;
  rootFolderId: string;
}

/** A version acknowledged as uploaded (PUT 200) and activated (UpdateDocumentVersion 2xx). */
interface Acked {
  documentId: string;
  versionId: string;
  size: number;
  sha256: string;
}

interface Initiated {
  documentId: string;
  versionId: string;
  url: string;
  headers: Record<string, string>;
  /** The declared DocumentSizeInBytes. */
  size: number;
}

let dataDir: string;
const running = new Set<Running>();

beforeEach(async () => {
  dataDir = await makeDataDir();
});
afterEach(async () => {
  for (const r of running) await kill(r);
  await rm(dataDir, { recursive: true, force: true });
});

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    WORKDOCS_LOCAL_DATA_DIR: dataDir,
    WORKDOCS_LOCAL_PORT: '0',
    WORKDOCS_LOCAL_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  };
  // The embedded mode (SQLite, data dir locked, exclusive start-up cleanup) is what is tested.
  delete e.WORKDOCS_LOCAL_DATABASE_URL;
  delete e.WORKDOCS_LOCAL_DEMO_TOKEN;
  delete e.WORKDOCS_LOCAL_ACCESS_KEY_ID;
  delete e.WORKDOCS_LOCAL_SECRET_ACCESS_KEY;
  return e;
}

async function start(): Promise<Running> {
  const proc = await spawnWorkDocsLocal(env());
  const field = (name: string): string => {
    const m = new RegExp(`${name}\\s+(\\S+)`).exec(proc.stdout);
    if (!m?.[1]) throw new Error(`no ${name} in ${proc.stdout}`);
    return m[1];
  };
  const keys = JSON.parse(await readFile(path.join(dataDir, 'admin-keys.json'), 'utf8')) as {
    accessKeyId: string;
    secretAccessKey: string;
  };
  const client = new WorkDocsClient({
    endpoint: proc.endpoint,
    region: field('region'),
    credentials: keys,
    maxAttempts: 1,
  });
  const rootFolderId = /root folder (\S+)\)/.exec(proc.stdout)?.[1];
  if (!rootFolderId) throw new Error(`no root folder in ${proc.stdout}`);
  const r = { proc, client, token: field('demo token'), rootFolderId };
  running.add(r);
  return r;
}

/** SIGKILL by the child's own PID; resolves once it has exited. */
async function kill(r: Running, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  running.delete(r);
  r.client.destroy();
  await stopProcess(r.proc.child, signal);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function body(seed: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

async function initiate(
  r: Running,
  name: string,
  size: number,
  documentId?: string,
): Promise<Initiated> {
  const out = await r.client.send(
    new InitiateDocumentVersionUploadCommand({
      AuthenticationToken: r.token,
      ParentFolderId: documentId === undefined ? r.rootFolderId : undefined,
      Id: documentId,
      Name: documentId === undefined ? name : undefined,
      ContentType: 'application/octet-stream',
      DocumentSizeInBytes: size,
    }),
  );
  const docId = out.Metadata?.Id;
  const versionId = out.Metadata?.LatestVersionMetadata?.Id;
  const url = out.UploadMetadata?.UploadUrl;
  if (!docId || !versionId || !url) throw new Error('initiate answered without ids or URL');
  return {
    documentId: docId,
    versionId,
    url,
    headers: out.UploadMetadata?.SignedHeaders ?? {},
    size,
  };
}

async function put(init: Initiated, data: Buffer): Promise<void> {
  const res = await putToUploadUrl(init.url, init.headers, data);
  expect(res.status, await res.text()).toBe(200);
}

/** Initiate → PUT → activate, each acknowledged. */
async function upload(r: Running, name: string, data: Buffer, documentId?: string): Promise<Acked> {
  const init = await initiate(r, name, data.length, documentId);
  await put(init, data);
  await activateVersion(r.client, r.token, init.documentId, init.versionId);
  return { ...pick(init), size: data.length, sha256: sha256(data) };
}

function pick(i: Initiated): { documentId: string; versionId: string } {
  return { documentId: i.documentId, versionId: i.versionId };
}

/** Each acknowledged version: ACTIVE, its size, and the SHA-256 of its download. */
async function expectIntact(r: Running, acked: readonly Acked[]): Promise<void> {
  for (const a of acked) {
    const out = await r.client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: r.token,
        DocumentId: a.documentId,
        VersionId: a.versionId,
        Fields: 'SOURCE',
      }),
    );
    expect(out.Metadata?.Status).toBe('ACTIVE');
    expect(out.Metadata?.Size).toBe(a.size);
    const url = out.Metadata?.Source?.ORIGINAL;
    if (!url) throw new Error('no download URL');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(a.size);
    expect(sha256(bytes)).toBe(a.sha256);
  }
}

/** GetDocumentVersion answers the version with `status`. */
async function expectStatus(
  r: Running,
  v: { documentId: string; versionId: string },
  status: string,
): Promise<void> {
  const out = await r.client.send(
    new GetDocumentVersionCommand({
      AuthenticationToken: r.token,
      DocumentId: v.documentId,
      VersionId: v.versionId,
    }),
  );
  expect(out.Metadata?.Status).toBe(status);
}

interface VersionRow {
  id: string;
  status: string;
  blob: string | null;
  blob_size: number | null;
  signature: string | null;
}

/**
 * With the (restarted, cleaned-up) process stopped: every ACTIVE version has its file with the
 * recorded size and SHA-256; blobs/ and tmp/ hold no file that no version references; no pending
 * upload row is left. Returns the versions by id.
 */
async function expectConsistentOnDisk(): Promise<Map<string, VersionRow>> {
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  let rows: VersionRow[];
  let pending: number;
  try {
    rows = db
      .prepare('SELECT id, status, blob, blob_size, signature FROM versions')
      .all() as VersionRow[];
    pending = (db.prepare('SELECT COUNT(*) AS n FROM pending_blobs').get() as { n: number }).n;
  } finally {
    db.close();
  }
  expect(pending).toBe(0);
  const referenced = new Set<string>();
  for (const v of rows) {
    if (v.blob !== null) referenced.add(v.blob);
    if (v.status !== 'ACTIVE') continue;
    expect(v.blob, `ACTIVE version ${v.id} without bytes`).not.toBeNull();
    const bytes = await readFile(path.join(dataDir, 'blobs', v.blob!));
    expect(bytes.length).toBe(v.blob_size);
    expect(sha256(bytes)).toBe(v.signature);
  }
  const blobFiles = await readdir(path.join(dataDir, 'blobs'));
  expect(blobFiles.filter((f) => !referenced.has(f))).toEqual([]);
  expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
  return new Map(rows.map((v) => [v.id, v]));
}

/** Resolves once `dir` holds a non-empty file. */
async function untilPartialFile(dir: string): Promise<void> {
  for (;;) {
    const names = await readdir(dir).catch(() => []);
    for (const n of names) {
      const size = await stat(path.join(dir, n)).then(
        (st) => st.size,
        () => 0, // renamed or removed meanwhile
      );
      if (size > 0) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Starts every call at once and kills `r` (SIGKILL) as soon as the first is acknowledged; resolves
 * with the results of the calls acknowledged (answered 2xx) before the process died, in order of
 * acknowledgement. The others were cut off by the kill.
 */
async function burstThenKill<T>(r: Running, calls: (() => Promise<T>)[]): Promise<T[]> {
  const acked: T[] = [];
  let resolveFirst: () => void = () => undefined;
  const firstAck = new Promise<void>((resolve) => (resolveFirst = resolve));
  const settled = calls.map((call) =>
    call().then(
      (result) => {
        acked.push(result);
        resolveFirst();
      },
      () => undefined, // cut off by the kill
    ),
  );
  await firstAck;
  await kill(r);
  await Promise.all(settled);
  return acked;
}

describe('WorkDocs Local survives kill -9', () => {
  it('during a large upload: the acknowledged versions stay intact, the partial upload leaves nothing', async () => {
    const first = await start();
    const acked = [
      await upload(first, 'a.bin', body(1, 1000)),
      await upload(first, 'b.bin', body(2, 3 * MiB)),
    ];
    acked.push(await upload(first, '', body(3, 777), acked[0]!.documentId));

    const size = 64 * MiB;
    const big = await initiate(first, 'big.bin', size);
    const target = new URL(big.url);
    const req = http.request(target, {
      method: 'PUT',
      headers: { ...big.headers, 'content-length': String(size) },
    });
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', () => undefined); // the server dies mid-request
    const chunk = body(4, MiB);
    // Send at most 16 MiB of the 64 (the PUT cannot complete), then kill once bytes reached disk.
    for (let i = 0; i < 16; i++) {
      if (!req.write(chunk)) await new Promise((resolve) => req.once('drain', resolve));
    }
    await untilPartialFile(path.join(dataDir, 'tmp'));
    await kill(first);
    req.destroy();
    expect(answered).toBe(false);

    const second = await start();
    await expectIntact(second, acked);
    await expectStatus(second, big, 'INITIALIZED');
    await kill(second, 'SIGTERM');
    const versions = await expectConsistentOnDisk();
    expect(versions.get(big.versionId)?.blob).toBeNull();
  });

  it('during a burst of activations: every acknowledged activation is ACTIVE with its bytes', async () => {
    const first = await start();
    const uploaded: Acked[] = [];
    for (let i = 0; i < 40; i++) {
      const data = body(100 + i, 10_000 + i * 997);
      const init = await initiate(first, `act-${i}.bin`, data.length);
      await put(init, data);
      uploaded.push({ ...pick(init), size: data.length, sha256: sha256(data) });
    }
    const acked = await burstThenKill(
      first,
      uploaded.map(
        (u) => () =>
          activateVersion(first.client, first.token, u.documentId, u.versionId).then(() => u),
      ),
    );
    expect(acked.length).toBeGreaterThan(0);

    const second = await start();
    await expectIntact(second, acked);
    await kill(second, 'SIGTERM');
    const versions = await expectConsistentOnDisk();
    // Every PUT was acknowledged: each version keeps its bytes, activated or not.
    for (const u of uploaded) {
      const v = versions.get(u.versionId);
      expect(v?.blob_size).toBe(u.size);
      expect(v?.signature).toBe(u.sha256);
      expect(['ACTIVE', 'INITIALIZED']).toContain(v?.status);
    }
  });

  it('during a burst of initiates: acknowledged initiates survive and complete, none is ACTIVE', async () => {
    const first = await start();
    const acked = [await upload(first, 'kept.bin', body(7, 5000))];
    const initiated = await burstThenKill(
      first,
      Array.from({ length: 60 }, (_, i) => () => initiate(first, `init-${i}.bin`, 1000 + i)),
    );
    expect(initiated.length).toBeGreaterThan(0);

    const second = await start();
    await expectIntact(second, acked);
    for (const init of initiated) await expectStatus(second, init, 'INITIALIZED');
    await kill(second, 'SIGTERM');
    const versions = await expectConsistentOnDisk();
    const initiatedIds = new Set(initiated.map((i) => i.versionId));
    const activeIds = [...versions.values()].filter((v) => v.status === 'ACTIVE').map((v) => v.id);
    expect(activeIds).toEqual([acked[0]!.versionId]);
    expect(initiatedIds.has(acked[0]!.versionId)).toBe(false);

    // An initiate acknowledged before the crash completes afterwards with the URL it gave.
    const third = await start();
    const init = initiated[0]!;
    const bytes = body(9, init.size);
    // Same signed path and query; only the port (0 at each start) differs.
    const before = new URL(init.url);
    await put(
      { ...init, url: new URL(before.pathname + before.search, third.proc.endpoint).href },
      bytes,
    );
    await activateVersion(third.client, third.token, init.documentId, init.versionId);
    await expectIntact(third, [{ ...pick(init), size: init.size, sha256: sha256(bytes) }]);
    await kill(third, 'SIGTERM');
    await expectConsistentOnDisk();
  });
});
