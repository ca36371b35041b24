/**
 * WorkDocs Local: a WorkDocs-compatible HTTP service (restJson1 + SigV4 + Authentication tokens,
 * SQLite metadata, bytes in files) that the official AWS SDK talks to unchanged.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { loadWorkDocsLocalConfig } from '../config.js';
import type { WorkDocsLocalConfig } from '../config.js';
import { Chaos } from './control/chaos.js';
import { RequestHandler } from './http/handler.js';
import { DirectoryBlobStore } from './storage/blobs.js';
import { openStorage } from './storage/database.js';
import type { Storage } from './storage/database.js';
import { PendingBlobs } from './storage/pending.js';
import { newId, newToken } from './storage/repo.js';
import type { Repo, UserRow } from './storage/repo.js';
import { WorkDocsLocalMetrics } from './control/metrics.js';
import { Telemetry } from '../observability/telemetry.js';

export interface WorkDocsLocalOptions extends Partial<WorkDocsLocalConfig> {
  logger?: Logger;
  /** The clock (epoch ms) used for signatures, URL expiry and timestamps; for tests. */
  now?: () => number;
  /**
   * Check every response body against its operation's output shape in the WorkDocs model; a body
   * that does not fit is logged and answered 500 naming what is wrong. For tests and development
   * of handlers (every test runs with it); off by default.
   */
  checkResponses?: boolean;
  /** Tests: the OpenTelemetry setup to use (else one from `otlpEndpoint`, or none). */
  telemetry?: Telemetry | undefined;
}

export interface CreatedUser {
  userId: string;
  username: string;
  rootFolderId: string;
  token: string;
}

export interface WorkDocsLocal {
  /** e.g. http://127.0.0.1:41234 — what the SDK's `endpoint` option takes. */
  endpoint: string;
  port: number;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The Authentication token of the demo user. */
  demoToken: string;
  demoUserId: string;
  demoRootFolderId: string;
  organizationId: string;
  dataDir: string;
  /** Stops listening, closes keep-alive sockets, closes the database. */
  close(): Promise<void>;
  /** Creates a user (root folder included) and issues a token for them. */
  createUserWithToken(
    username: string,
    options?: { givenName?: string; surname?: string; storageBytes?: number | null },
  ): Promise<CreatedUser>;
  /** Issues a new token for a user (by id or username). */
  issueToken(userIdOrUsername: string): Promise<string>;
  /** Sets a user's quota in bytes; null = UNLIMITED. */
  setQuota(userIdOrUsername: string, bytes: number | null): Promise<void>;
  /** Sets a folder's ResourceState (e.g. RECYCLED, to exercise ProhibitedStateException). */
  setFolderState(
    folderId: string,
    state: 'ACTIVE' | 'RECYCLING' | 'RECYCLED' | 'RESTORING',
  ): Promise<void>;
  /** Deletes the bytes of expired uploads and of blobs let go (see storage/pending.ts); how many. */
  cleanup(): Promise<number>;
}

export const DB_FILE = 'workdocs-local.sqlite';
export const DEMO_USERNAME = 'demo';

export interface Seeded {
  organizationId: string;
  demoUser: UserRow;
  demoToken: string;
  urlKey: Buffer;
}

/**
 * Opens the metadata storage — PostgreSQL when `databaseUrl` is given, else the data dir's SQLite
 * file (creating it) — migrates it, and seeds it idempotently (organization, URL-signing key,
 * demo user and token: every node of one database shares them).
 */
export async function openDataDir(
  dataDir: string,
  opts: {
    demoToken?: string | undefined;
    defaultStorageBytes?: number | undefined;
    databaseUrl?: string | undefined;
    now: number;
  },
): Promise<{ storage: Storage; seeded: Seeded }> {
  mkdirSync(dataDir, { recursive: true });
  const storage = await openStorage({
    databaseUrl: opts.databaseUrl,
    sqliteFile: path.join(dataDir, DB_FILE),
  });
  try {
    const seeded = await storage.transaction(async (store: Repo): Promise<Seeded> => {
      const organizationId = await store.metaOrInit(
        'organization_id',
        () => `d-${newId().slice(0, 10)}`,
      );
      const urlKey = Buffer.from(
        await store.metaOrInit('url_key', () => randomBytes(32).toString('hex')),
        'hex',
      );
      let demoUser = await store.getUserByUsername(DEMO_USERNAME);
      if (!demoUser) {
        demoUser = await store.createUser(
          organizationId,
          {
            username: DEMO_USERNAME,
            email: 'demo@example.com',
            givenName: 'Demo',
            surname: 'User',
            storageType: opts.defaultStorageBytes === undefined ? 'UNLIMITED' : 'QUOTA',
            storageAllocated: opts.defaultStorageBytes ?? null,
          },
          opts.now,
        );
      }
      const stored = await store.getMeta('demo_token');
      const demoToken = opts.demoToken ?? stored ?? newToken();
      if (demoToken !== stored) await store.setMeta('demo_token', demoToken);
      await store.addToken(demoUser.id, demoToken, opts.now);
      return { organizationId, demoUser, demoToken, urlKey };
    });
    return { storage, seeded };
  } catch (err) {
    await storage.close();
    throw err;
  }
}

export async function startWorkDocsLocal(
  options: WorkDocsLocalOptions = {},
): Promise<WorkDocsLocal> {
  const {
    logger: givenLogger,
    now: givenNow,
    checkResponses,
    telemetry: givenTelemetry,
    ...overrides
  } = options;
  const defined = Object.fromEntries(
    Object.entries(overrides as Record<string, unknown>).filter(([, v]) => v !== undefined),
  ) as Partial<WorkDocsLocalConfig>;
  const config: WorkDocsLocalConfig = { ...loadWorkDocsLocalConfig(), ...defined };
  const now = givenNow ?? Date.now;
  const logger = (givenLogger ?? pino({ level: config.logLevel })).child({
    component: 'workdocs-local',
  });
  const dataDir = path.resolve(config.dataDir);
  const { storage, seeded } = await openDataDir(dataDir, {
    demoToken: config.demoToken,
    defaultStorageBytes: config.defaultStorageBytes,
    databaseUrl: config.databaseUrl,
    now: now(),
  });
  const blobs = new DirectoryBlobStore(dataDir);
  const pending = new PendingBlobs(storage, blobs, { leaseMs: config.uploadLeaseSeconds * 1000 });
  // Bytes that a crash (of this or any node) left behind are removed once their lease expired —
  // never an upload another node is still receiving. Then again every lease period.
  const cleanup = (): Promise<number> =>
    pending.cleanup().catch((err: unknown) => {
      logger.warn({ err }, 'blob cleanup failed');
      return 0;
    });
  await cleanup();
  const cleanupTimer = setInterval(
    () => void cleanup(),
    Math.min(config.uploadLeaseSeconds * 1000, 60_000),
  );
  cleanupTimer.unref();

  let urlBase = config.publicUrl?.replace(/\/+$/, '') ?? '';
  const ownTelemetry =
    givenTelemetry === undefined
      ? Telemetry.create({
          serviceName: config.serviceName ?? 'workdocs-local',
          endpoint: config.otlpEndpoint,
        })
      : undefined;
  const handler = new RequestHandler({
    metrics: new WorkDocsLocalMetrics(),
    telemetry: givenTelemetry ?? ownTelemetry,
    storage,
    blobs,
    pending,
    chaos: config.chaos ? new Chaos() : undefined,
    logger,
    keys: [{ accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }],
    organizationId: seeded.organizationId,
    urlKey: seeded.urlKey,
    urlTtlSeconds: config.uploadUrlTtlSeconds,
    folderChildLimit: config.folderChildLimit,
    defaultStorageBytes: config.defaultStorageBytes,
    urlBase: () => urlBase,
    now,
    checkResponses: checkResponses === true,
  });
  // No whole-request timeout: a multi-gigabyte upload may take longer than Node's default 5 min.
  const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 0 }, handler.handle);
  // Idle sockets (a client that stops sending mid-request) are closed after 11 minutes — longer
  // than the largest chaos latency (10 minutes).
  server.setTimeout(660_000);
  // Malformed HTTP never reaches the handler: answer like Node would (431 for oversized headers),
  // with a request id like every other response.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(
      `HTTP/1.1 ${status}\r\nx-amzn-requestid: ${randomUUID()}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    clearInterval(cleanupTimer);
    await storage.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const endpoint = `http://${hostForUrl}:${address.port}`;
  if (urlBase === '') urlBase = endpoint;
  logger.info({ endpoint, dataDir, chaos: config.chaos }, 'WorkDocs Local listening');

  let closed: Promise<void> | undefined;
  const findUser = async (store: Repo, idOrUsername: string): Promise<UserRow> => {
    const user = await store.findUser(idOrUsername);
    if (!user) throw new Error(`No user ${idOrUsername}`);
    return user;
  };

  return {
    endpoint,
    port: address.port,
    region: config.region,
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    demoToken: seeded.demoToken,
    demoUserId: seeded.demoUser.id,
    demoRootFolderId: seeded.demoUser.root_folder_id,
    organizationId: seeded.organizationId,
    dataDir,
    close() {
      closed ??= new Promise<void>((resolve) => {
        clearInterval(cleanupTimer);
        server.close(() => {
          void storage
            .close()
            .then(() => ownTelemetry?.shutdown())
            .finally(() => {
              logger.info('WorkDocs Local stopped');
              resolve();
            });
        });
        server.closeAllConnections();
      });
      return closed;
    },
    async createUserWithToken(username, opts = {}) {
      const storageBytes =
        opts.storageBytes === undefined
          ? config.defaultStorageBytes
          : (opts.storageBytes ?? undefined);
      return storage.transaction(async (store) => {
        const user = await store.createUser(
          seeded.organizationId,
          {
            username,
            givenName: opts.givenName ?? username,
            surname: opts.surname ?? 'User',
            storageType: storageBytes === undefined ? 'UNLIMITED' : 'QUOTA',
            storageAllocated: storageBytes ?? null,
          },
          now(),
        );
        const token = newToken();
        await store.addToken(user.id, token, now());
        return {
          userId: user.id,
          username: user.username,
          rootFolderId: user.root_folder_id,
          token,
        };
      });
    },
    issueToken(idOrUsername) {
      return storage.transaction(async (store) => {
        const user = await findUser(store, idOrUsername);
        const token = newToken();
        await store.addToken(user.id, token, now());
        return token;
      });
    },
    setQuota(idOrUsername, bytes) {
      return storage.transaction(async (store) =>
        store.setQuota((await findUser(store, idOrUsername)).id, bytes, now()),
      );
    },
    setFolderState(folderId, state) {
      return storage.transaction((store) => store.setFolderState(folderId, state, now()));
    },
    cleanup() {
      return pending.cleanup();
    },
  };
}
