/**
 * Unit tests of the pure parts of the per-request loaders: DescribeUsers batch splitting within
 * the model's limits, the request's concurrency semaphore, and that two requests never share a
 * cache.
 * (The upstream behaviour — call counts against WorkDocs Local — is in test/reads/call-count.test.ts.)
 */
import {
  DescribeUsersCommand,
  GetDocumentCommand,
  type DescribeUsersCommandInput,
} from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import {
  createLoaders,
  DESCRIBE_USERS_MAX_IDS_CHARS,
  splitUserIdBatches,
  type ReadSender,
} from '../../src/gateway/loaders.js';
import { Semaphore } from '../../src/gateway/semaphore.js';

const id = (n: number, len: number): string => `u${String(n).padStart(len - 1, '0')}`;

describe('splitUserIdBatches', () => {
  it('keeps every userIds string within 2000 characters and every batch within 999 ids', () => {
    // 300 ids of 64 characters: 300*65-1 = 19499 characters → must be split.
    const ids = Array.from({ length: 300 }, (_, n) => id(n, 64));
    const batches = splitUserIdBatches(ids);
    for (const b of batches) {
      expect(b.join(',').length).toBeLessThanOrEqual(DESCRIBE_USERS_MAX_IDS_CHARS);
      expect(b.length).toBeLessThanOrEqual(999);
    }
    expect(batches.flat()).toEqual(ids);
    // As few batches as the limit allows: 30 ids of 64 chars = 1949 chars; 31 = 2014.
    expect(batches[0]).toHaveLength(30);
    expect(batches).toHaveLength(10);
  });

  it('fills a batch up to exactly 2000 characters', () => {
    // 20 ids of 99 characters + 19 commas = 1999; a 21st would exceed.
    const ids = Array.from({ length: 21 }, (_, n) => id(n, 99));
    const batches = splitUserIdBatches(ids);
    expect(batches.map((b) => b.length)).toEqual([20, 1]);
    const exact = [...Array.from({ length: 19 }, (_, n) => id(n, 99)), id(99, 100)];
    expect(splitUserIdBatches(exact)).toHaveLength(1);
    expect(exact.join(',').length).toBe(2000);
  });

  it('caps a batch at 999 ids even when they are short', () => {
    const ids = Array.from({ length: 1000 }, (_, n) => String(n % 10));
    const batches = splitUserIdBatches(ids, 100_000);
    expect(batches.map((b) => b.length)).toEqual([999, 1]);
  });

  it('returns no batch for no ids', () => {
    expect(splitUserIdBatches([])).toEqual([]);
  });
});

describe('Semaphore', () => {
  it('never runs more than max tasks at once and runs them all', async () => {
    const sem = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        sem.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setImmediate(r));
          running--;
          return n;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(peak).toBe(3);
    expect(sem.peak).toBe(3);
  });

  it('releases its slot when a task fails', async () => {
    const sem = new Semaphore(1);
    await expect(sem.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sem.run(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('refuses a cap below 1', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});

/** A recording stand-in for the WorkDocs caller (unit level only; integration tests use the SDK). */
function fakeWorkDocs(): { sender: ReadSender; calls: { op: string; input: unknown }[] } {
  const calls: { op: string; input: unknown }[] = [];
  const send = (command: { input: unknown }): Promise<unknown> => {
    calls.push({ op: command.constructor.name, input: command.input });
    if (command instanceof DescribeUsersCommand) {
      const input = command.input;
      const ids = (input.UserIds ?? '').split(',').filter((u) => u.startsWith('known'));
      return Promise.resolve({ Users: ids.map((Id) => ({ Id, Username: Id })) });
    }
    if (command instanceof GetDocumentCommand) {
      const input = command.input;
      return Promise.resolve({
        Metadata: { Id: input.DocumentId, CreatorId: `known-${String(input.AuthenticationToken)}` },
      });
    }
    return Promise.reject(new Error(`unexpected ${command.constructor.name}`));
  };
  return { sender: { send } as unknown as ReadSender, calls };
}

describe('createLoaders', () => {
  it('batches users into one DescribeUsers call and maps unknown ids to null', async () => {
    const { sender, calls } = fakeWorkDocs();
    const loaders = createLoaders({
      workdocs: sender,
      authenticationToken: 't',
    });
    const [a, b, missing, a2] = await Promise.all([
      loaders.users.load('known-a'),
      loaders.users.load('known-b'),
      loaders.users.load('nobody'),
      loaders.users.load('known-a'),
    ]);
    expect(a?.Id).toBe('known-a');
    expect(b?.Id).toBe('known-b');
    expect(missing).toBeNull();
    expect(a2).toBe(a);
    expect(calls.map((c) => c.op)).toEqual(['DescribeUsersCommand']);
    expect((calls[0]!.input as DescribeUsersCommandInput).UserIds).toBe('known-a,known-b,nobody');
    expect((calls[0]!.input as DescribeUsersCommandInput).Limit).toBe(3);
  });

  it('with batchAndCache: false (the benchmark switch for DataLoader off) makes one call per load', async () => {
    const { sender, calls } = fakeWorkDocs();
    const loaders = createLoaders({
      workdocs: sender,
      authenticationToken: 't',
      batchAndCache: false,
    });
    const users = await Promise.all([
      loaders.users.load('known-a'),
      loaders.users.load('known-b'),
      loaders.users.load('known-a'),
    ]);
    expect(users.map((u) => u?.Id)).toEqual(['known-a', 'known-b', 'known-a']);
    await loaders.documents.load('d1');
    await loaders.documents.load('d1');
    expect(calls.map((c) => c.op)).toEqual([
      'DescribeUsersCommand',
      'DescribeUsersCommand',
      'DescribeUsersCommand',
      'GetDocumentCommand',
      'GetDocumentCommand',
    ]);
    expect(calls.map((c) => (c.input as DescribeUsersCommandInput).UserIds).slice(0, 3)).toEqual([
      'known-a',
      'known-b',
      'known-a',
    ]);
  });

  it('answers null, without a call, for an id that cannot name a user (a comma would split userIds)', async () => {
    const { sender, calls } = fakeWorkDocs();
    const loaders = createLoaders({
      workdocs: sender,
      authenticationToken: 't',
    });
    const [bad, good] = await Promise.all([
      loaders.users.load('known-a,known-b'),
      loaders.users.load('known-c'),
    ]);
    expect(bad).toBeNull();
    expect(good?.Id).toBe('known-c');
    expect(calls.map((c) => (c.input as DescribeUsersCommandInput).UserIds)).toEqual(['known-c']);
  });

  it('gives each request its own cache and its own token', async () => {
    const { sender, calls } = fakeWorkDocs();
    const alice = createLoaders({
      workdocs: sender,
      authenticationToken: 'alice',
    });
    const bob = createLoaders({
      workdocs: sender,
      authenticationToken: 'bob',
    });
    const d1 = await alice.documents.load('doc');
    const d2 = await alice.documents.load('doc');
    const d3 = await bob.documents.load('doc');
    expect(d2).toBe(d1); // cached within a request
    expect(d3).not.toBe(d1); // never across requests
    expect(d1.CreatorId).toBe('known-alice');
    expect(d3.CreatorId).toBe('known-bob');
    expect(calls.filter((c) => c.op === 'GetDocumentCommand')).toHaveLength(2);
  });

  it('splits a large user batch across DescribeUsers calls within the 2000-character limit', async () => {
    const { sender, calls } = fakeWorkDocs();
    const loaders = createLoaders({
      workdocs: sender,
      authenticationToken: 't',
    });
    const ids = Array.from({ length: 100 }, (_, n) => `known-${String(n).padStart(58, '0')}`);
    const users = await loaders.users.loadMany(ids);
    expect(users.map((u) => (u instanceof Error ? u : u?.Id))).toEqual(ids);
    const userIds = calls.map((c) => (c.input as DescribeUsersCommandInput).UserIds ?? '');
    expect(userIds.length).toBe(4); // 65 characters per id → 30 per call
    for (const s of userIds) expect(s.length).toBeLessThanOrEqual(2000);
  });
});
