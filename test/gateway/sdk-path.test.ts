/**
 * The SDK call path of `WorkDocsCaller` over the real client of `createWorkDocsClient`: the SDK's
 * middleware cache applies (a command class's middleware stack is resolved once per process, not
 * once per call — `send` with a second argument would resolve it every time), and the per-call
 * deadline still aborts the HTTP request itself, without touching other calls that share the
 * cached stack. The SDK's user-agent headers are sent on every call, as its own middleware made
 * them; its retry middleware is a pass-through: one HTTP request per attempt `WorkDocsCaller` makes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeUsersCommand, GetDocumentCommand } from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createWorkDocsClient, WorkDocsCaller } from '../../src/gateway/workdocs-client.js';

/** A WorkDocs stand-in: GetDocument of `slow-*` never answers (until the client goes away). */
let server: http.Server;
let endpoint: string;
const closedSlowRequests: string[] = [];
/** The user-agent headers of every request, and the count of requests per document id. */
const userAgents: { ua: string | undefined; amz: string | undefined }[] = [];
const hits = new Map<string, number>();
const slowClosed: ((id: string) => void)[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const id = decodeURIComponent(path.split('/').at(-1) ?? '');
    userAgents.push({
      ua: req.headers['user-agent'],
      amz: req.headers['x-amz-user-agent'] as string | undefined,
    });
    hits.set(id, (hits.get(id) ?? 0) + 1);
    if (id.startsWith('broken-')) {
      // A throttling answer: retryable for reads, never retried by the SDK itself.
      res.writeHead(429, { 'Content-Type': 'application/json', 'x-amzn-errortype': 'Throttling' });
      res.end(JSON.stringify({ Message: 'slow down' }));
      return;
    }
    if (id.startsWith('slow-')) {
      res.on('close', () => {
        closedSlowRequests.push(id);
        for (const notify of slowClosed.splice(0)) notify(id);
      });
      return;
    }
    const delayed = id.startsWith('late-') ? 300 : 0;
    setTimeout(() => {
      const body = path.endsWith('/users')
        ? { Users: [{ Id: 'u1', Username: 'one' }] }
        : { Metadata: { Id: id } };
      res.writeHead(200, { 'Content-Type': 'application/json', 'x-amzn-requestid': 'r' });
      res.end(JSON.stringify(body));
    }, delayed);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function newClient() {
  return createWorkDocsClient({
    endpoint,
    region: 'us-east-1',
    maxSockets: 8,
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' },
  });
}

const callerOptions = {
  authenticationToken: 'token',
  allowServiceCredentials: false,
  maxConcurrentCalls: 16,
};

describe('the SDK call path', () => {
  it('resolves each command class’s middleware stack once, across calls and requests', async () => {
    const client = newClient();
    const getDocument = vi.spyOn(GetDocumentCommand.prototype, 'resolveMiddleware');
    const describeUsers = vi.spyOn(DescribeUsersCommand.prototype, 'resolveMiddleware');
    try {
      for (let request = 0; request < 3; request++) {
        const caller = new WorkDocsCaller(client, { ...callerOptions, timeoutMs: 5_000 });
        const docs = await Promise.all(
          ['a', 'b'].map((id) =>
            caller.send(new GetDocumentCommand({ DocumentId: `${id}-${String(request)}` })),
          ),
        );
        expect(docs.map((d) => d.Metadata?.Id)).toEqual([
          `a-${String(request)}`,
          `b-${String(request)}`,
        ]);
        const users = await caller.send(new DescribeUsersCommand({ UserIds: 'u1' }));
        expect(users.Users?.[0]?.Username).toBe('one');
      }
      expect(getDocument).toHaveBeenCalledTimes(1);
      expect(describeUsers).toHaveBeenCalledTimes(1);
    } finally {
      getDocument.mockRestore();
      describeUsers.mockRestore();
      client.destroy();
    }
  });

  it('aborts the HTTP request at the deadline (UPSTREAM_TIMEOUT) and leaves other calls alone', async () => {
    const client = newClient();
    try {
      const closed = new Promise<string>((resolve) => slowClosed.push(resolve));
      const hurried = new WorkDocsCaller(client, { ...callerOptions, timeoutMs: 100 });
      const patient = new WorkDocsCaller(client, { ...callerOptions, timeoutMs: 5_000 });
      // Both share the cached middleware stack; only the slow call's signal may fire.
      const [slow, late] = await Promise.allSettled([
        hurried.send(new GetDocumentCommand({ DocumentId: 'slow-1' })),
        patient.send(new GetDocumentCommand({ DocumentId: 'late-1' })),
      ]);
      expect(slow.status).toBe('rejected');
      expect((slow as PromiseRejectedResult).reason).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
      expect(late).toMatchObject({ status: 'fulfilled', value: { Metadata: { Id: 'late-1' } } });
      // The server saw the request go away: the socket's request was aborted, not just abandoned.
      await expect(closed).resolves.toBe('slow-1');
      // A later call on the same client and cached stack, with a fresh deadline, still works.
      const again = await patient.send(new GetDocumentCommand({ DocumentId: 'after-1' }));
      expect(again.Metadata?.Id).toBe('after-1');
    } finally {
      client.destroy();
    }
  });

  it('sends the SDK’s user-agent headers on every call, the same each time', async () => {
    const client = newClient();
    try {
      userAgents.length = 0;
      const caller = new WorkDocsCaller(client, { ...callerOptions, timeoutMs: 5_000 });
      for (const id of ['ua-1', 'ua-2', 'ua-3']) {
        await caller.send(new GetDocumentCommand({ DocumentId: id }));
      }
      await caller.send(new DescribeUsersCommand({ UserIds: 'u1' }));
      expect(userAgents).toHaveLength(4);
      const [first] = userAgents;
      expect(first?.ua).toMatch(/^aws-sdk-js\/3\.\d+\.\d+ .*api\/workdocs#3\.\d+/);
      expect(first?.amz).toMatch(/^aws-sdk-js\/3\.\d+\.\d+/);
      for (const seen of userAgents) expect(seen).toEqual(first);
    } finally {
      client.destroy();
    }
  });

  it('makes one HTTP request per attempt: the SDK retries nothing itself', async () => {
    const client = newClient();
    try {
      const reads = new WorkDocsCaller(client, {
        ...callerOptions,
        timeoutMs: 5_000,
        maxReadAttempts: 3,
      });
      await expect(
        reads.send(new GetDocumentCommand({ DocumentId: 'broken-read' })),
      ).rejects.toMatchObject({ code: 'THROTTLED' });
      expect(hits.get('broken-read')).toBe(3);
      const once = new WorkDocsCaller(client, {
        ...callerOptions,
        timeoutMs: 5_000,
        maxReadAttempts: 1,
      });
      await expect(
        once.send(new GetDocumentCommand({ DocumentId: 'broken-once' })),
      ).rejects.toMatchObject({ code: 'THROTTLED' });
      expect(hits.get('broken-once')).toBe(1);
    } finally {
      client.destroy();
    }
  });
});
