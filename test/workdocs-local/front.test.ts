/**
 * The HTTP front against slow, greedy or hostile clients, over raw sockets: header timeout, body
 * idle timeout, connection cap, and a long upload that keeps sending; internal failures as the
 * model's ServiceUnavailableException.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import {
  GetCurrentUserCommand,
  InitiateDocumentVersionUploadCommand,
  ServiceUnavailableException,
} from '@aws-sdk/client-workdocs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src/workdocs-local/index.js';
import { startHarness, useHarness } from './helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface RawConnection {
  socket: net.Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with the time (ms since connecting) when the server closed the connection. */
  closed: Promise<number>;
}

function connect(endpoint: string): Promise<RawConnection> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(Number(url.port), url.hostname);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    const closed = new Promise<number>((r) =>
      socket.on('close', () => {
        r(Date.now() - started);
      }),
    );
    socket.once('error', () => undefined);
    socket.once('connect', () => {
      resolve({ socket, received: () => data, closed });
    });
    socket.once('error', reject);
  });
}

/** Writes `text` one character every `everyMs` until the socket closes or `text` is sent. */
async function trickle(conn: RawConnection, text: string, everyMs: number): Promise<void> {
  for (const ch of text) {
    if (conn.socket.destroyed || !conn.socket.writable) return;
    conn.socket.write(ch);
    await sleep(everyMs);
  }
}

/** These tests reach into the embedded mode's SQLite file and data-dir lock (SQLite only). */
const onPostgres = process.env.WORKDOCS_LOCAL_TEST_BACKEND === 'postgres';

describe('slow clients (1 s header and idle timeouts)', () => {
  const h = useHarness({ headersTimeoutSeconds: 1, bodyIdleTimeoutSeconds: 1 });

  it('half a header, trickled byte by byte, is cut with 408 after the header timeout', async () => {
    const conn = await connect(h.local.endpoint);
    conn.socket.write('GET /_local/health HTTP/1.1\r\nHost: x\r\n');
    // One header byte every 100 ms: never idle, but the headers never complete.
    void trickle(conn, `X-Slow: ${'a'.repeat(200)}`, 100);
    const closedAfter = await conn.closed;
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // Within the timeout plus Node's check interval (not after the ~20 s the trickle would take).
    expect(closedAfter).toBeLessThan(10_000);
  });

  it('a body that stops arriving is cut after the idle timeout; the server keeps serving', async () => {
    const conn = await connect(h.local.endpoint);
    conn.socket.write(
      'POST /api/v1/folders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"Name":',
    );
    const closedAfter = await conn.closed;
    expect(closedAfter).toBeLessThan(10_000);
    expect(conn.received()).toBe('');
    const health = await fetch(`${h.local.endpoint}/_local/health`);
    expect(health.status).toBe(200);
  });

  it('a long upload that keeps sending succeeds, however long it takes in total', async () => {
    const chunks = 16;
    const chunk = Buffer.alloc(1024, 0x61);
    const init = await h.client.send(
      new InitiateDocumentVersionUploadCommand({
        AuthenticationToken: h.local.demoToken,
        ParentFolderId: h.local.demoRootFolderId,
        Name: 'slow-but-steady.bin',
        ContentType: 'application/octet-stream',
        DocumentSizeInBytes: chunks * chunk.length,
      }),
    );
    const result = await new Promise<{ status: number; etag: string | undefined }>(
      (resolve, reject) => {
        const req = http.request(init.UploadMetadata!.UploadUrl!, {
          method: 'PUT',
          headers: {
            ...init.UploadMetadata!.SignedHeaders!,
            'content-length': String(chunks * chunk.length),
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, etag: res.headers.etag });
        });
        req.on('error', reject);
        // One chunk every 250 ms: 4 s in all, four times the idle and the header timeout.
        void (async () => {
          for (let i = 0; i < chunks; i++) {
            req.write(chunk);
            await sleep(250);
          }
          req.end();
        })();
      },
    );
    const sha = createHash('sha256')
      .update(Buffer.alloc(chunks * chunk.length, 0x61))
      .digest('hex');
    expect(result).toEqual({ status: 200, etag: `"${sha}"` });
  });
});

describe('connection cap', () => {
  it('connections over WORKDOCS_LOCAL_MAX_CONNECTIONS are closed; freed slots serve again', async () => {
    const h = await startHarness({ maxConnections: 3 });
    const held: RawConnection[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const conn = await connect(h.local.endpoint);
        conn.socket.write('GET /_local/health HTTP/1.1\r\nHost: x\r\n'); // and never finish
        held.push(conn);
      }
      await sleep(100); // let the server accept all three
      const extra = await connect(h.local.endpoint);
      extra.socket.write('GET /_local/health HTTP/1.1\r\nHost: x\r\n\r\n');
      await extra.closed;
      expect(extra.received()).toBe('');
      for (const conn of held) expect(conn.socket.destroyed).toBe(false);

      held[0]!.socket.destroy();
      await held[0]!.closed;
      // The server sees the close shortly after; then a new connection is served.
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = await fetch(`${h.local.endpoint}/_local/health`, {
          headers: { connection: 'close' },
        }).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await sleep(100);
      }
      expect(status).toBe(200);
    } finally {
      for (const conn of held) conn.socket.destroy();
      await h.stop();
    }
  });
});

describe('errors', () => {
  it('a signed header that no request has (constructor) is 403 IncompleteSignatureException, not 500', async () => {
    const h = await startHarness();
    try {
      const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
      const res = await fetch(`${h.local.endpoint}/api/v1/me`, {
        headers: {
          'x-amz-date': amzDate,
          authorization: `AWS4-HMAC-SHA256 Credential=${h.local.accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/workdocs/aws4_request, SignedHeaders=constructor;host;x-amz-date, Signature=${'0'.repeat(64)}`,
        },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
    } finally {
      await h.stop();
    }
  });

  it.skipIf(onPostgres)(
    'an internal failure is ServiceUnavailableException (503) and the server keeps serving',
    async () => {
      const h = await startHarness();
      try {
        // Break the storage under the running service: its queries now fail unexpectedly.
        const db = new Database(path.join(h.dataDir, DB_FILE));
        db.exec('ALTER TABLE users RENAME TO users_gone');
        const err: unknown = await h.client
          .send(new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }))
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ServiceUnavailableException);
        expect((err as ServiceUnavailableException).$metadata.httpStatusCode).toBe(503);
        expect((err as Error).message).toBe('Internal error');
        db.exec('ALTER TABLE users_gone RENAME TO users');
        db.close();
        const me = await h.client.send(
          new GetCurrentUserCommand({ AuthenticationToken: h.local.demoToken }),
        );
        expect(me.User!.Username).toBe('demo');
      } finally {
        await h.stop();
      }
    },
  );
});

describe.skipIf(onPostgres)('start-up of the embedded mode (data dir locked)', () => {
  it('removes bytes nothing knows of, keeps every committed version', async () => {
    const h = await startHarness();
    const body = 'kept across restarts';
    const init = await h.client.send(
      new InitiateDocumentVersionUploadCommand({
        AuthenticationToken: h.local.demoToken,
        ParentFolderId: h.local.demoRootFolderId,
        Name: 'kept.txt',
        ContentType: 'text/plain',
        DocumentSizeInBytes: body.length,
      }),
    );
    const put = await fetch(init.UploadMetadata!.UploadUrl!, {
      method: 'PUT',
      headers: init.UploadMetadata!.SignedHeaders!,
      body,
    });
    expect(put.status).toBe(200);
    await h.stop(true);
    const blobDir = path.join(h.dataDir, 'blobs');
    const kept = await readdir(blobDir);
    expect(kept).toHaveLength(1);
    // What a crash could leave: a renamed blob never committed, a partial temp file.
    const orphan = path.join(blobDir, randomUUID());
    const partial = path.join(h.dataDir, 'tmp', randomUUID());
    await writeFile(orphan, 'x');
    await writeFile(partial, 'y');
    const again = await startHarness({}, h.dataDir);
    try {
      expect(await readdir(blobDir)).toEqual(kept);
      expect(await readdir(path.join(h.dataDir, 'tmp'))).toEqual([]);
    } finally {
      await again.stop();
    }
  });
});
