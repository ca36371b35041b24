/**
 * Several WorkDocs Local nodes serving one organization: two nodes on one PostgreSQL database and
 * one blob directory, as behind a load balancer. The PostgreSQL cluster is the run's
 * (WORKDOCS_LOCAL_TEST_BACKEND=postgres) or, on the default SQLite run, a throwaway one of this file.
 */
import { readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import {
  EntityAlreadyExistsException,
  GetCurrentUserCommand,
  GetDocumentVersionCommand,
  InitiateDocumentVersionUploadCommand,
} from '@aws-sdk/client-workdocs';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkDocsLocal } from '../../src/workdocs-local/index.js';
import { openStorage } from '../../src/workdocs-local/storage/database.js';
import { createDatabase, testPostgresUrl } from '../helpers/database.js';
import { startPostgresCluster } from '../helpers/postgres.js';
import type { PostgresCluster } from '../helpers/postgres.js';
import { stopProcess } from '../helpers/process.js';
import {
  activateVersion,
  createFolder,
  putToUploadUrl,
  sdkClient,
  startTestWorkDocsLocal,
} from '../helpers/workdocs.js';
import { makeDataDir, spawnWorkDocsLocal } from './helpers.js';

let cluster: PostgresCluster | undefined;
let databaseUrl: string;
let dataDir: string;
let a: WorkDocsLocal;
let b: WorkDocsLocal;
let clientA: WorkDocsClient;
let clientB: WorkDocsClient;

beforeAll(async () => {
  let base = testPostgresUrl();
  if (base === undefined) {
    cluster = await startPostgresCluster();
    base = cluster.url;
  }
  databaseUrl = await createDatabase(base);
  dataDir = await makeDataDir();
  a = await startTestWorkDocsLocal(dataDir, { databaseUrl });
  b = await startTestWorkDocsLocal(dataDir, { databaseUrl });
  clientA = sdkClient(a);
  clientB = sdkClient(b);
}, 120_000);

afterAll(async () => {
  clientA.destroy();
  clientB.destroy();
  await a.close();
  await b.close();
  await cluster?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The same URL, sent to another node (what a load balancer does). */
function via(node: WorkDocsLocal, url: string): string {
  const u = new URL(url);
  const target = new URL(node.endpoint);
  u.host = target.host;
  return u.toString();
}

async function initiate(client: WorkDocsClient, token: string, folder: string, name: string) {
  const out = await client.send(
    new InitiateDocumentVersionUploadCommand({
      AuthenticationToken: token,
      ParentFolderId: folder,
      Name: name,
      ContentType: 'text/plain',
    }),
  );
  return {
    documentId: out.Metadata!.Id!,
    versionId: out.Metadata!.LatestVersionMetadata!.Id!,
    url: out.UploadMetadata!.UploadUrl!,
    headers: out.UploadMetadata!.SignedHeaders!,
  };
}

describe('two nodes, one PostgreSQL database, one blob directory', () => {
  it('share the organization: the same demo user and token, URL-signing key and users', async () => {
    expect(b.organizationId).toBe(a.organizationId);
    expect(b.demoToken).toBe(a.demoToken);
    const user = await a.createUserWithToken('shared-user');
    const me = await clientB.send(new GetCurrentUserCommand({ AuthenticationToken: user.token }));
    expect(me.User?.Id).toBe(user.userId);
  });

  it('runs the upload flow across nodes: initiate on A, PUT to B, activate on A, download from B', async () => {
    const token = a.demoToken;
    const up = await initiate(clientA, token, a.demoRootFolderId, 'crossing.txt');
    const put = await putToUploadUrl(via(b, up.url), up.headers, 'bytes through B');
    expect(put.status).toBe(200);
    await activateVersion(clientA, token, up.documentId, up.versionId);
    const version = await clientB.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: token,
        DocumentId: up.documentId,
        VersionId: up.versionId,
        Fields: 'SOURCE',
      }),
    );
    expect(version.Metadata?.Status).toBe('ACTIVE');
    const source = version.Metadata!.Source!.ORIGINAL!;
    expect(new URL(source).host).toBe(new URL(b.endpoint).host);
    const download = await fetch(source);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe('bytes through B');
  });

  it('50 concurrent initiates of one name over both nodes: exactly one succeeds, the others get EntityAlreadyExistsException', async () => {
    const token = a.demoToken;
    const folder = await createFolder(clientA, token, a.demoRootFolderId, 'race');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        initiate(i % 2 === 0 ? clientA : clientB, token, folder, 'same-name.txt'),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const err of refused) expect(err).toBeInstanceOf(EntityAlreadyExistsException);
  });

  it('concurrent uploads of one user over both nodes never pass the quota', async () => {
    const user = await a.createUserWithToken('quota-racer', { storageBytes: 1000 });
    const uploads = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        initiate(i % 2 === 0 ? clientA : clientB, user.token, user.rootFolderId, `q-${i}.bin`),
      ),
    );
    const statuses = await Promise.all(
      uploads.map(async (up, i) => {
        const res = await putToUploadUrl(
          via(i % 2 === 0 ? b : a, up.url),
          up.headers,
          'x'.repeat(100),
        );
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 413)).toHaveLength(10);
    for (const client of [clientA, clientB]) {
      const me = await client.send(new GetCurrentUserCommand({ AuthenticationToken: user.token }));
      expect(me.User?.Storage?.StorageUtilizedInBytes).toBe(1000);
    }
  });

  it('a node killed (SIGKILL) mid-PUT: the retry of the same URL on the other node succeeds, and cleanup leaves no orphaned bytes', async () => {
    const token = b.demoToken;
    // Node A as its own process, with a short upload lease so that its abandoned upload expires
    // soon after it dies.
    const killed = await spawnWorkDocsLocal({
      ...process.env,
      WORKDOCS_LOCAL_PORT: '0',
      WORKDOCS_LOCAL_HOST: '127.0.0.1',
      WORKDOCS_LOCAL_DATA_DIR: dataDir,
      WORKDOCS_LOCAL_DATABASE_URL: databaseUrl,
      WORKDOCS_LOCAL_UPLOAD_LEASE_SECONDS: '1',
      LOG_LEVEL: 'silent',
    });
    try {
      const up = await initiate(clientB, token, b.demoRootFolderId, 'killed-mid-put.bin');
      const body = Buffer.alloc(4 * 1024 * 1024, 7);
      const before = new Set(await readdir(path.join(dataDir, 'tmp')));
      // Half the body to the doomed node, then wait until its partial file exists.
      const target = new URL(via({ endpoint: killed.endpoint } as WorkDocsLocal, up.url));
      const req = request(target, {
        method: 'PUT',
        headers: { ...up.headers, 'content-length': String(body.length) },
      });
      req.on('error', () => undefined);
      req.write(body.subarray(0, body.length / 2));
      for (let i = 0; i < 600; i++) {
        const now = await readdir(path.join(dataDir, 'tmp'));
        if (now.some((f) => !before.has(f))) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await readdir(path.join(dataDir, 'tmp'))).some((f) => !before.has(f))).toBe(true);
      await stopProcess(killed.child, 'SIGKILL');
      req.destroy();

      const retry = await putToUploadUrl(via(b, up.url), up.headers, body);
      expect(retry.status).toBe(200);
      await activateVersion(clientB, token, up.documentId, up.versionId);

      // Once the dead node's lease expired, cleanup removes its partial upload; the committed blob
      // stays. Polled: the lease is 1 s by the database's clock.
      let leftover: string[] = [];
      for (let i = 0; i < 300; i++) {
        await b.cleanup();
        leftover = await readdir(path.join(dataDir, 'tmp'));
        if (leftover.length === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(leftover).toEqual([]);
      const storage = await openStorage({ databaseUrl, sqliteFile: '', migrate: false });
      const known = await storage.transaction((r) => r.knownBlobs());
      await storage.close();
      expect((await readdir(path.join(dataDir, 'blobs'))).filter((f) => !known.has(f))).toEqual([]);
      const version = await clientB.send(
        new GetDocumentVersionCommand({
          AuthenticationToken: token,
          DocumentId: up.documentId,
          VersionId: up.versionId,
          Fields: 'SOURCE',
        }),
      );
      expect(version.Metadata?.Size).toBe(body.length);
      const download = await fetch(version.Metadata!.Source!.ORIGINAL!);
      expect(Buffer.from(await download.arrayBuffer()).equals(body)).toBe(true);
    } finally {
      await stopProcess(killed.child, 'SIGKILL');
    }
  });
});
