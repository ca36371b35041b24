import { createHash } from 'node:crypto';
import { readdir, readlink } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import {
  DescribeUsersCommand,
  EntityNotExistsException,
  GetCurrentUserCommand,
  GetDocumentCommand,
  GetDocumentVersionCommand,
  InitiateDocumentVersionUploadCommand,
  InvalidArgumentException,
  ProhibitedStateException,
  WorkDocsClient,
  WorkDocsServiceException,
} from '@aws-sdk/client-workdocs';
import type { InitiateDocumentVersionUploadCommandOutput } from '@aws-sdk/client-workdocs';
import { describe, expect, it, vi } from 'vitest';
import { activateVersion, sdkClient } from '../helpers/workdocs.js';
import { useHarness } from './helpers.js';

let offsetMs = 0;
const h = useHarness({ uploadUrlTtlSeconds: 60, now: () => Date.now() + offsetMs });

async function initiate(size?: number, contentType = 'text/plain', name?: string) {
  return h.client.send(
    new InitiateDocumentVersionUploadCommand({
      AuthenticationToken: h.local.demoToken,
      ParentFolderId: h.local.demoRootFolderId,
      Name: name ?? `f-${Math.random().toString(36).slice(2)}.txt`,
      ContentType: contentType,
      DocumentSizeInBytes: size,
    }),
  );
}

function upload(init: InitiateDocumentVersionUploadCommandOutput) {
  return { url: init.UploadMetadata!.UploadUrl!, headers: init.UploadMetadata!.SignedHeaders! };
}

function activate(init: InitiateDocumentVersionUploadCommandOutput) {
  return activateVersion(
    h.client,
    h.local.demoToken,
    init.Metadata!.Id!,
    init.Metadata!.LatestVersionMetadata!.Id!,
  );
}

async function rejection(promise: Promise<unknown>): Promise<WorkDocsServiceException> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkDocsServiceException);
  return err as WorkDocsServiceException;
}

describe('SigV4', () => {
  it('a wrong secret is InvalidSignatureException (403)', async () => {
    const bad = sdkClient(h.local, {
      accessKeyId: h.local.accessKeyId,
      secretAccessKey: 'not-the-secret',
    });
    const err = await rejection(
      bad.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken })),
    );
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toContain('The request signature we calculated does not match');
    expect(err.$metadata.httpStatusCode).toBe(403);
    bad.destroy();
  });

  it('an unknown access key is UnrecognizedClientException (403)', async () => {
    const bad = sdkClient(h.local, { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' });
    const err = await rejection(
      bad.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken })),
    );
    expect(err.name).toBe('UnrecognizedClientException');
    expect(err.$metadata.httpStatusCode).toBe(403);
    bad.destroy();
  });

  it('a request changed after signing is refused', async () => {
    const tampering = sdkClient(h.local);
    tampering.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { path: string };
        req.path = req.path.replace('/api/v1/me', '/api/v1/me/root');
        return next(args);
      },
      { step: 'deserialize', priority: 'low', name: 'tamper' },
    );
    const err = await rejection(
      tampering.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken })),
    );
    expect(err.name).toBe('InvalidSignatureException');
    tampering.destroy();
  });

  it('a signature outside the 15 minute window is refused', async () => {
    const skewed = new WorkDocsClient({
      endpoint: h.local.endpoint,
      region: h.local.region,
      credentials: { accessKeyId: h.local.accessKeyId, secretAccessKey: h.local.secretAccessKey },
      maxAttempts: 1,
      systemClockOffset: -30 * 60 * 1000,
    });
    const err = await rejection(
      skewed.send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken })),
    );
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toContain('Signature expired');
    skewed.destroy();
  });

  it('an unsigned request is MissingAuthenticationTokenException, as JSON', async () => {
    const res = await fetch(`${h.local.endpoint}/api/v1/me`, {
      headers: { Authentication: h.local.demoToken },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await res.json()) as { Message: string };
    expect(body.Message).toBe('Missing Authentication Token');
  });

  it('signatures over query strings and labels with special characters verify', async () => {
    const users = await h.client.send(
      new DescribeUsersCommand({ Query: "d e+m*o(~)!'é", Limit: 5, Order: 'ASCENDING' }),
    );
    expect(users.Users).toEqual([]);
    const err: unknown = await h.client
      .send(
        new GetDocumentCommand({
          AuthenticationToken: h.local.demoToken,
          DocumentId: 'a+b.c-d@e,f',
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EntityNotExistsException);
    expect((err as EntityNotExistsException).EntityIds).toEqual(['a+b.c-d@e,f']);
  });

  it('an API body over 1 MiB is RequestedEntityTooLargeException (413)', async () => {
    const res = await fetch(`${h.local.endpoint}/api/v1/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-amzn-errortype')).toBe('RequestedEntityTooLargeException');
  });

  it('signed requests with a broken JSON body or wrong member types are InvalidArgument', async () => {
    const bodies = [
      '{not json',
      '[1,2]',
      '{"Name": 5, "ParentFolderId": "x"}',
      // Epoch seconds beyond any representable date (was silently stored as no timestamp).
      '{"Name": "n.txt", "ParentFolderId": "x", "ContentCreatedTimestamp": 1e20}',
    ];
    for (const replacement of bodies) {
      const c = sdkClient(h.local);
      c.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { body: unknown; headers: Record<string, string> };
          request.body = replacement;
          request.headers['content-length'] = String(Buffer.byteLength(replacement));
          return next(args);
        },
        { step: 'build', priority: 'low', name: 'replaceBody' },
      );
      const err: unknown = await c
        .send(
          new InitiateDocumentVersionUploadCommand({
            AuthenticationToken: h.local.demoToken,
            ParentFolderId: h.local.demoRootFolderId,
            Name: 'n.txt',
          }),
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidArgumentException);
      c.destroy();
    }
  });

  it('garbage on the wire gets an HTTP error, and the server keeps serving', async () => {
    const net = await import('node:net');
    const url = new URL(h.local.endpoint);
    const reply = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(url.port), url.hostname, () => {
        socket.write('NOT HTTP AT ALL\r\n\r\n');
      });
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => {
        resolve(data);
      });
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    const badEscape = await fetch(`${h.local.endpoint}/api/v1/documents/%E0%A4%A`);
    expect(badEscape.status).toBeGreaterThanOrEqual(400);
    const me = await h.client.send(
      new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }),
    );
    expect(me.User!.Id).toBe(h.local.demoUserId);
  });

  it('oversized headers get 431 (not a generic 400), with a request id like every response', async () => {
    const net = await import('node:net');
    const url = new URL(h.local.endpoint);
    const raw = (request: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(Number(url.port), url.hostname, () => {
          socket.write(request);
        });
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          resolve(data);
        });
      });
    const huge = await raw(
      `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(huge).toMatch(/\r\nx-amzn-requestid: [0-9a-f-]{36}\r\n/i);
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage).toMatch(/\r\nx-amzn-requestid: [0-9a-f-]{36}\r\n/i);
  });

  it('ids that try to traverse paths are InvalidArgument', async () => {
    const err: unknown = await h.client
      .send(
        new GetDocumentCommand({
          AuthenticationToken: h.local.demoToken,
          DocumentId: '../../etc/passwd',
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentException);
    expect((err as Error).message).toContain('DocumentId');
  });
});

describe('upload URLs', () => {
  it('accept the signed headers and the declared size; CORS headers on the response', async () => {
    const init = await initiate(5);
    const { url, headers } = upload(init);
    expect(url.startsWith(`${h.local.endpoint}/`)).toBe(true);
    const res = await fetch(url, {
      method: 'PUT',
      headers: { ...headers, Origin: 'http://app.example' },
      body: 'abcde',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(res.headers.get('access-control-expose-headers')).toContain('ETag');
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
  });

  it('answer a CORS preflight', async () => {
    const init = await initiate(1);
    const res = await fetch(upload(init).url, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://app.example',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type,x-amz-server-side-encryption',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-headers')).toContain(
      'x-amz-server-side-encryption',
    );
  });

  it('refuse a wrong Content-Type or a missing x-amz-server-side-encryption', async () => {
    const init = await initiate(3);
    const { url } = upload(init);
    const wrongType = await fetch(url, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/png', 'x-amz-server-side-encryption': 'AES256' },
      body: 'abc',
    });
    expect(wrongType.status).toBe(403);
    expect(await wrongType.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const noSse = await fetch(url, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/plain' },
      body: 'abc',
    });
    expect(noSse.status).toBe(403);
  });

  it('refuse a body of another size than the declared one', async () => {
    const init = await initiate(5);
    const { url, headers } = upload(init);
    const short = await fetch(url, { method: 'PUT', headers, body: 'abcd' });
    expect(short.status).toBe(400);
    const long = await fetch(url, { method: 'PUT', headers, body: 'abcdef' });
    expect(long.status).toBe(400);
    // Nothing was stored: activation is still refused.
    await expect(activate(init)).rejects.toBeInstanceOf(ProhibitedStateException);
  });

  it('refuse a tampered URL', async () => {
    const init = await initiate(1);
    const { url, headers } = upload(init);
    const u = new URL(url);
    const sig = u.searchParams.get('X-Signature')!;
    u.searchParams.set('X-Signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
    expect((await fetch(u, { method: 'PUT', headers, body: 'x' })).status).toBe(403);
    const later = new URL(url);
    later.searchParams.set('X-Expires', String(Number(later.searchParams.get('X-Expires')) + 3600));
    expect((await fetch(later, { method: 'PUT', headers, body: 'x' })).status).toBe(403);
  });

  it('refuse an expired URL (upload and download)', async () => {
    const init = await initiate(1);
    const { url, headers } = upload(init);
    const first = await fetch(url, { method: 'PUT', headers, body: 'x' });
    expect(first.status).toBe(200);
    await activate(init);
    const v = await h.client.send(
      new GetDocumentVersionCommand({
        AuthenticationToken: h.local.demoToken,
        DocumentId: init.Metadata!.Id!,
        VersionId: init.Metadata!.LatestVersionMetadata!.Id!,
        Fields: 'SOURCE',
      }),
    );
    const download = v.Metadata!.Source!.ORIGINAL!;
    expect((await fetch(download)).status).toBe(200);

    const init2 = await initiate(1);
    offsetMs = 120_000; // the TTL of this harness is 60 s
    try {
      const expired = await fetch(upload(init2).url, {
        method: 'PUT',
        headers: upload(init2).headers,
        body: 'x',
      });
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('Request has expired');
      expect((await fetch(download)).status).toBe(403);
    } finally {
      offsetMs = 0;
    }
  });

  it('an interrupted PUT leaves no blob and no temp file behind', async () => {
    const init = await initiate(1000, 'application/octet-stream');
    const { url, headers } = upload(init);
    const blobsBefore = await readdir(path.join(h.dataDir, 'blobs'));
    await new Promise<void>((resolve) => {
      const req = http.request(url, {
        method: 'PUT',
        headers: { ...headers, 'Content-Length': '1000' },
      });
      req.on('error', () => {
        resolve();
      });
      req.write(Buffer.alloc(100, 7), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
    });
    // Give the server a moment to notice the aborted stream.
    for (let i = 0; i < 50; i++) {
      if ((await readdir(path.join(h.dataDir, 'tmp'))).length === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await readdir(path.join(h.dataDir, 'tmp'))).toEqual([]);
    expect((await readdir(path.join(h.dataDir, 'blobs'))).sort()).toEqual(blobsBefore.sort());
    await expect(activate(init)).rejects.toBeInstanceOf(ProhibitedStateException);
  });

  it('concurrent PUTs to one version keep one blob; after activation the URL is refused (409)', async () => {
    const size = 256 * 1024;
    const init = await initiate(size, 'application/octet-stream');
    const { url, headers } = upload(init);
    const blobsBefore = (await readdir(path.join(h.dataDir, 'blobs'))).length;
    const bodies = [1, 2, 3].map((n) => Buffer.alloc(size, n));
    const puts = await Promise.all(
      bodies.map((body) => fetch(url, { method: 'PUT', headers, body })),
    );
    expect(puts.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await readdir(path.join(h.dataDir, 'blobs'))).length).toBe(blobsBefore + 1);
    await activate(init);
    const version = () =>
      h.client.send(
        new GetDocumentVersionCommand({
          AuthenticationToken: h.local.demoToken,
          DocumentId: init.Metadata!.Id!,
          VersionId: init.Metadata!.LatestVersionMetadata!.Id!,
        }),
      );
    const signature = (await version()).Metadata!.Signature;
    const hashes = bodies.map((b) => createHash('sha256').update(b).digest('hex'));
    expect(hashes).toContain(signature);

    const late = await fetch(url, { method: 'PUT', headers, body: Buffer.alloc(size, 9) });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('InvalidObjectState');
    expect((await version()).Metadata!.Signature).toBe(signature);
    expect((await readdir(path.join(h.dataDir, 'blobs'))).length).toBe(blobsBefore + 1);
    expect(await readdir(path.join(h.dataDir, 'tmp'))).toEqual([]);
  });

  it('names with path syntax are only metadata; blobs have server-generated names', async () => {
    const init = await initiate(2, 'text/plain', '../../../evil.txt');
    const { url, headers } = upload(init);
    expect((await fetch(url, { method: 'PUT', headers, body: 'ok' })).status).toBe(200);
    const files = await readdir(path.join(h.dataDir, 'blobs'));
    for (const f of files) expect(f).toMatch(/^[0-9a-f-]{36}$/);
    const raw = await fetch(
      `${h.local.endpoint}/_upload/..%2F..%2Fetc/passwd?X-Expires=1&X-Signature=00`,
      {
        method: 'PUT',
        headers,
        body: 'ok',
      },
    );
    expect([403, 404]).toContain(raw.status);
  });
});

describe('download URLs', () => {
  /** Descriptors of this process (the server runs in it) open on files in the blob directory. */
  async function openBlobFiles(): Promise<number> {
    const blobDir = path.join(h.dataDir, 'blobs');
    let n = 0;
    for (const fd of await readdir('/proc/self/fd')) {
      const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
      if (target.startsWith(blobDir)) n++;
    }
    return n;
  }

  it.runIf(process.platform === 'linux')(
    'a download the client abandons midway closes its file (no descriptor leak)',
    async () => {
      const size = 16 * 1024 * 1024;
      const init = await initiate(size, 'application/octet-stream');
      const { url, headers } = upload(init);
      const put = await fetch(url, { method: 'PUT', headers, body: Buffer.alloc(size, 1) });
      expect(put.status).toBe(200);
      await activate(init);
      const v = await h.client.send(
        new GetDocumentVersionCommand({
          AuthenticationToken: h.local.demoToken,
          DocumentId: init.Metadata!.Id!,
          VersionId: init.Metadata!.LatestVersionMetadata!.Id!,
          Fields: 'SOURCE',
        }),
      );
      const download = v.Metadata!.Source!.ORIGINAL!;
      for (let i = 0; i < 3; i++) {
        // Read the first chunk, then hang up while the server still has megabytes to send.
        await new Promise<void>((resolve, reject) => {
          const req = http.get(download, (res) => {
            expect(res.statusCode).toBe(200);
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', (err: NodeJS.ErrnoException) => {
            if (err.code === 'ECONNRESET') resolve();
            else reject(err);
          });
        });
      }
      await vi.waitFor(
        async () => {
          expect(await openBlobFiles()).toBe(0);
        },
        { timeout: 5000, interval: 50 },
      );
    },
  );
});
