import { createHash } from 'node:crypto';
import http from 'node:http';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DescribeUsersCommand,
  GetCurrentUserCommand,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  InitiateDocumentVersionUploadCommand,
} from '@aws-sdk/client-workdocs';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { activateVersion } from '../helpers/workdocs.js';
import { makeDataDir, startHarness, useHarness } from './helpers.js';

/** A deterministic byte stream of `size` bytes generated on the fly, hashed as it goes. */
function generated(size: number): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  const chunkSize = 1024 * 1024;
  let sent = 0;
  let block = Buffer.alloc(chunkSize);
  for (let i = 0; i < chunkSize; i++) block[i] = (i * 31 + 7) & 0xff;
  const stream = new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkSize, size - sent);
      // Vary the content per chunk so a misplaced chunk changes the hash.
      block = Buffer.from(block);
      block.writeUInt32BE(sent / chunkSize, 0);
      const chunk = block.subarray(0, n);
      hash.update(chunk);
      sent += n;
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

function putStream(
  url: string,
  headers: Record<string, string>,
  body: Readable,
  size: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'PUT',
      headers: { ...headers, 'Content-Length': String(size) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        resolve(res.statusCode ?? 0);
      });
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

async function downloadSha(url: string): Promise<{ status: number; sha: string; size: number }> {
  const res = await fetch(url);
  const hash = createHash('sha256');
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.length;
    }
  }
  return { status: res.status, sha: hash.digest('hex'), size };
}

/**
 * The upload flow with a generated body streamed and hashed on the fly (so 100 MiB never sits in
 * memory), then the download hashed the same way: byte-exact both ways.
 */
async function roundTrip(
  client: WorkDocsClient,
  token: string,
  folderId: string,
  size: number,
): Promise<{ documentId: string; versionId: string; sha: string }> {
  const init = await client.send(
    new InitiateDocumentVersionUploadCommand({
      AuthenticationToken: token,
      ParentFolderId: folderId,
      Name: `roundtrip-${size}.bin`,
      ContentType: 'application/octet-stream',
      DocumentSizeInBytes: size,
    }),
  );
  const gen = generated(size);
  const status = await putStream(
    init.UploadMetadata!.UploadUrl!,
    init.UploadMetadata!.SignedHeaders!,
    gen.stream,
    size,
  );
  expect(status).toBe(200);
  const sha = gen.digest();
  const documentId = init.Metadata!.Id!;
  const versionId = init.Metadata!.LatestVersionMetadata!.Id!;
  await activateVersion(client, token, documentId, versionId);
  const v = await client.send(
    new GetDocumentVersionCommand({
      AuthenticationToken: token,
      DocumentId: documentId,
      VersionId: versionId,
      Fields: 'SOURCE',
    }),
  );
  expect(v.Metadata).toMatchObject({ Status: 'ACTIVE', Size: size, Signature: sha });
  const down = await downloadSha(v.Metadata!.Source!.ORIGINAL!);
  expect(down).toEqual({ status: 200, sha, size });
  return { documentId, versionId, sha };
}

describe('byte-exact round trips', () => {
  const h = useHarness();

  it.each([0, 1, 1024 * 1024 + 3])('%i bytes', async (size) => {
    await roundTrip(h.client, h.local.demoToken, h.local.demoRootFolderId, size);
  });

  it('100 MiB, streamed both ways', async () => {
    await roundTrip(h.client, h.local.demoToken, h.local.demoRootFolderId, 100 * 1024 * 1024);
  }, 180_000);
});

describe('restart', () => {
  it('keeps users, tokens, documents, versions and bytes; a new demo token is registered', async () => {
    const dataDir = await makeDataDir();
    try {
      const first = await startHarness({}, dataDir);
      const demoToken = first.local.demoToken;
      const demoUserId = first.local.demoUserId;
      const orgId = first.local.organizationId;
      const erin = await first.local.createUserWithToken('erin', { storageBytes: 5000 });
      const { documentId, versionId, sha } = await roundTrip(
        first.client,
        erin.token,
        erin.rootFolderId,
        1234,
      );
      await first.stop(true);

      const second = await startHarness({}, dataDir);
      expect(second.local.demoToken).toBe(demoToken);
      expect(second.local.demoUserId).toBe(demoUserId);
      expect(second.local.organizationId).toBe(orgId);
      const me = await second.client.send(
        new GetCurrentUserCommand({ AuthenticationToken: erin.token }),
      );
      expect(me.User).toMatchObject({
        Id: erin.userId,
        Storage: {
          StorageUtilizedInBytes: 1234,
          StorageRule: { StorageType: 'QUOTA', StorageAllocatedInBytes: 5000 },
        },
      });
      const doc = await second.client.send(
        new GetDocumentCommand({ AuthenticationToken: erin.token, DocumentId: documentId }),
      );
      expect(doc.Metadata!.LatestVersionMetadata).toMatchObject({ Id: versionId, Signature: sha });
      const v = await second.client.send(
        new GetDocumentVersionCommand({
          AuthenticationToken: erin.token,
          DocumentId: documentId,
          VersionId: versionId,
          Fields: 'SOURCE',
        }),
      );
      expect(await downloadSha(v.Metadata!.Source!.ORIGINAL!)).toEqual({
        status: 200,
        sha,
        size: 1234,
      });
      await second.stop(true);

      // A fixed demo token (WORKDOCS_LOCAL_DEMO_TOKEN) replaces the generated one; seeding is idempotent.
      const third = await startHarness({ demoToken: 'fixed-demo-token' }, dataDir);
      expect(third.local.demoToken).toBe('fixed-demo-token');
      expect(third.local.demoUserId).toBe(demoUserId);
      const viaFixed = await third.client.send(
        new GetCurrentUserCommand({ AuthenticationToken: 'fixed-demo-token' }),
      );
      expect(viaFixed.User!.Id).toBe(demoUserId);
      const users = await third.client.send(new DescribeUsersCommand({}));
      expect(users.Users!.map((u) => u.Username).sort()).toEqual(['demo', 'erin']);
      await third.stop(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
